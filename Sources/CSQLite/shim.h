// Wrappers for what SQLite exposes as macros, which Swift cannot import (STYLE.md, pitfall 4).
#include <sqlite3.h>

/// SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
