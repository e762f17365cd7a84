// Plain C references for `tessera bench storage`: the same work as our Swift, done the obvious way in C.
#pragma once
