"""The forms of volume licensing: the reseller's (`reseller`) and the sales executive's console (`console`)."""
