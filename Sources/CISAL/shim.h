// ISA-L headers Tessera uses: Reed-Solomon erasure codes and CRC32C (crc32_iscsi).
#include <isa-l/erasure_code.h>
#include <isa-l/crc.h>
