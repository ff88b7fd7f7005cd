// Debian's libopenblas-dev and liblapacke-dev. This module provides no stable Swift API:
// only Sources/LinearAlgebra imports it (internally).
#include <cblas.h>
#include <lapacke.h>
