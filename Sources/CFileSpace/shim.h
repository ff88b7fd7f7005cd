// File calls and flags that Swift's Glibc module does not show (glibc declares them only
// under _GNU_SOURCE), for ScoringIO: `fallocate`, with which temporary files give back pages
// read for the last time (TemporaryFile.release), and O_DIRECT, with which a large output
// file is written straight to the disk (SystemIO's DirectWriter). Linux only; nothing to link.
#ifdef __linux__
int fallocate(int fd, int mode, long offset, long length);
#if defined(__x86_64__) || defined(__i386__)
#define KAM_O_DIRECT 040000
#elif defined(__aarch64__) || defined(__arm__)
#define KAM_O_DIRECT 0200000
#else
#define KAM_O_DIRECT 0
#endif
#else
#define KAM_O_DIRECT 0
#endif
