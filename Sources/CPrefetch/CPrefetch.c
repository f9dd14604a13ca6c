// The shim is all in its header (an inline function); SwiftPM wants a source file per C target.
#include "CPrefetch.h"
