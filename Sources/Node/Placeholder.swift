// Node: placeholder until its first real file lands; delete when one does.
