// libjpeg-turbo's TurboJPEG API (Debian's libturbojpeg0-dev): JPEG encoding of rendered images.
#include <turbojpeg.h>
