"""The store's benchmark: every hot path measured against its floor in the same run (`make bench`)."""
