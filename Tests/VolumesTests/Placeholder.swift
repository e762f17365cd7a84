// Placeholder until this suite's first test lands; delete it then.
