// placeholder until this target's first test lands; delete when one does.
