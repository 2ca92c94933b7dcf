#include "wasi/Errno.h"

#include <cerrno>

namespace wasmc::wasi {

Errno errnoFromHost(int hostErrno) {
  switch (hostErrno) {
  case 0: return Errno::Success;
  case E2BIG: return Errno::TooBig;
  case EACCES: return Errno::Acces;
  case EADDRINUSE: return Errno::AddrInUse;
  case EADDRNOTAVAIL: return Errno::AddrNotAvail;
  case EAFNOSUPPORT: return Errno::AfNoSupport;
  case EAGAIN: return Errno::Again;
  case EALREADY: return Errno::Already;
  case EBADF: return Errno::Badf;
  case EBADMSG: return Errno::BadMsg;
  case EBUSY: return Errno::Busy;
  case ECANCELED: return Errno::Canceled;
  case ECHILD: return Errno::Child;
  case ECONNABORTED: return Errno::ConnAborted;
  case ECONNREFUSED: return Errno::ConnRefused;
  case ECONNRESET: return Errno::ConnReset;
  case EDEADLK: return Errno::Deadlk;
  case EDESTADDRREQ: return Errno::DestAddrReq;
  case EDOM: return Errno::Dom;
  case EDQUOT: return Errno::Dquot;
  case EEXIST: return Errno::Exist;
  case EFAULT: return Errno::Fault;
  case EFBIG: return Errno::Fbig;
  case EHOSTUNREACH: return Errno::HostUnreach;
  case EIDRM: return Errno::Idrm;
  case EILSEQ: return Errno::Ilseq;
  case EINPROGRESS: return Errno::InProgress;
  case EINTR: return Errno::Intr;
  case EINVAL: return Errno::Inval;
  case EIO: return Errno::Io;
  case EISCONN: return Errno::IsConn;
  case EISDIR: return Errno::IsDir;
  case ELOOP: return Errno::Loop;
  case EMFILE: return Errno::Mfile;
  case EMLINK: return Errno::Mlink;
  case EMSGSIZE: return Errno::MsgSize;
  case EMULTIHOP: return Errno::Multihop;
  case ENAMETOOLONG: return Errno::NameTooLong;
  case ENETDOWN: return Errno::NetDown;
  case ENETRESET: return Errno::NetReset;
  case ENETUNREACH: return Errno::NetUnreach;
  case ENFILE: return Errno::Nfile;
  case ENOBUFS: return Errno::NoBufs;
  case ENODEV: return Errno::NoDev;
  case ENOENT: return Errno::NoEnt;
  case ENOEXEC: return Errno::NoExec;
  case ENOLCK: return Errno::NoLck;
  case ENOLINK: return Errno::NoLink;
  case ENOMEM: return Errno::NoMem;
  case ENOMSG: return Errno::NoMsg;
  case ENOPROTOOPT: return Errno::NoProtoOpt;
  case ENOSPC: return Errno::NoSpc;
  case ENOSYS: return Errno::NoSys;
  case ENOTCONN: return Errno::NotConn;
  case ENOTDIR: return Errno::NotDir;
  case ENOTEMPTY: return Errno::NotEmpty;
  case ENOTRECOVERABLE: return Errno::NotRecoverable;
  case ENOTSOCK: return Errno::NotSock;
  case EOPNOTSUPP: return Errno::NotSup; // == ENOTSUP on Linux
  case ENOTTY: return Errno::NoTty;
  case ENXIO: return Errno::Nxio;
  case EOVERFLOW: return Errno::Overflow;
  case EOWNERDEAD: return Errno::OwnerDead;
  case EPERM: return Errno::Perm;
  case EPIPE: return Errno::Pipe;
  case EPROTO: return Errno::Proto;
  case EPROTONOSUPPORT: return Errno::ProtoNoSupport;
  case EPROTOTYPE: return Errno::ProtoType;
  case ERANGE: return Errno::Range;
  case EROFS: return Errno::Rofs;
  case ESPIPE: return Errno::Spipe;
  case ESRCH: return Errno::Srch;
  case ESTALE: return Errno::Stale;
  case ETIMEDOUT: return Errno::TimedOut;
  case ETXTBSY: return Errno::TxtBsy;
  case EXDEV: return Errno::Xdev; // Paths.cpp maps openat2's EXDEV (escape) to NotCapable itself

  default: return Errno::Io;
  }
}

} // namespace wasmc::wasi
