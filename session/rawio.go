package session

import (
	"net"
	"sync/atomic"
	"syscall"

	"github.com/sshdash/sshdash/keepalive"
)

// Raw socket I/O: an established transport's reads and writes bypass the
// runtime's system-call bookkeeping.
//
// A keystroke's echo is a few small reads and writes. Each ordinary
// system call enters the scheduler's syscall state: the first one after
// the process was idle wakes the runtime's monitor thread (sysmon), which
// then polls every 20 µs and takes the P from any system call that has
// not returned within 20 µs (on a loaded machine, one whose thread was
// preempted), waking another thread to run it. ssh, one thread, wakes once
// per arrival; traced in the network lab, sshdash connect woke sysmon and
// a second thread for most keys. The transport's socket is non-blocking
// (it is in Go's poller), so a read or write returns at once and never
// needs that bookkeeping: rawIO does them with raw system calls and waits,
// when there is nothing to read or no room to write, in the poller as
// before (deadlines included).
//
// rawIO starts once the link is established (link.established), so the
// handshake and its error reporting keep the ordinary path; it applies
// only where the transport is a TCP socket and the platform supports it
// (canRawIO), else it passes everything through.
type rawIO struct {
	net.Conn
	tcp syscall.RawConn // the TCP socket under Conn; nil: pass through
	on  atomic.Bool     // raw I/O in force (set once the link is up)
}

// newRawIO wraps c; raw I/O stays off until start.
func newRawIO(c net.Conn) *rawIO {
	r := &rawIO{Conn: c}
	if tc := keepalive.TCPConn(c); tc != nil && canRawIO {
		if rc, err := tc.SyscallConn(); err == nil {
			r.tcp = rc
		}
	}
	return r
}

// start turns raw I/O on (a no-op when the transport is not TCP).
func (r *rawIO) start() { r.on.Store(r.tcp != nil) }

// Read reads from the transport.
func (r *rawIO) Read(p []byte) (int, error) {
	if !r.on.Load() || len(p) == 0 {
		return r.Conn.Read(p)
	}
	return rawRead(r.tcp, p)
}

// Write writes all of p to the transport.
func (r *rawIO) Write(p []byte) (int, error) {
	if !r.on.Load() || len(p) == 0 {
		return r.Conn.Write(p)
	}
	return rawWrite(r.tcp, p)
}

// NetConn returns the wrapped connection (keepalive.TCPConn looks through
// it for the socket).
func (r *rawIO) NetConn() net.Conn { return r.Conn }
