"""The security audit trail: who did what that matters to security, for which account, when and from where."""
