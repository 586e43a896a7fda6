// epoll(7) for wsbench's receive loops: Swift's Glibc module leaves <sys/epoll.h> out.
#include <sys/epoll.h>
