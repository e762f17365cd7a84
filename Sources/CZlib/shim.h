// zlib (Debian's zlib1g-dev): deflate for PNG images and the Deflated Explicit VR Little Endian transfer syntax.
#include <zlib.h>
