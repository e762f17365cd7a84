#include "bench_reference.h"
