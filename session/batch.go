package session

import (
	"net"
	"syscall"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// Batching: while bulk output flows, the transport reads what the kernel
// has collected, not every packet as it lands.
//
// When the remote side is the bottleneck (a busy server, a slow link, or
// sshd sharing the CPU with us), output arrives a few KiB at a time, and
// reading each arrival wakes three goroutines: x/crypto's reader, its
// channel mux and our output pump, each handing work to the next across
// OS threads. ssh, one loop, pays one wakeup; we paid about three times
// its context switches per MB. The pacer (pace.go) cannot help here: it
// batches only while the terminal is the slow side.
//
// So after a read that brought at least batchFrom bytes, the next socket
// read waits until a batch has queued: the receive low-water mark
// (SO_RCVLOWAT) tells the kernel not to wake us before, and a read
// deadline bounds the wait at batchWait, after which whatever has arrived
// is read at once. A smaller read ends batching. Measured with text
// output on a 2-core machine shared with sshd: 139 socket reads per MB
// before, 11 after, and about a third less client CPU per MB.
// Interactive traffic (keystroke echo, heartbeat replies) is never
// delayed: it comes in small reads, and data that follows a large read
// waits at most batchWait.
//
// The low-water mark is kept at most a quarter of the socket's receive
// buffer: raising it further makes Linux grow the buffer and clamp the TCP
// window to the mark, which would cap throughput on long fat links.
// Batching starts only once the link is established, so the handshake and
// its error reporting never see a deadline; nothing else uses the
// transport's read deadline.
const (
	batchFrom = 4 << 10
	batchMax  = 128 << 10
	batchWait = 2 * time.Millisecond
)

// batcher reads a TCP transport in kernel-collected batches. It is used
// only by the transport's reading goroutine.
type batcher struct {
	tcp   *net.TCPConn
	rc    syscall.RawConn // tcp's, for the socket options and the wait
	wait  time.Duration   // batchWait (tests lengthen it)
	lowat int             // SO_RCVLOWAT as last set; 0 means the kernel default (1)
}

// newBatcher returns a batcher for the TCP socket under c, or nil when c
// is not over TCP (ProxyCommand, ProxyJump) or the platform cannot batch.
func newBatcher(c net.Conn) *batcher {
	tc := keepalive.TCPConn(c)
	if tc == nil || !canBatch {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &batcher{tcp: tc, rc: rc, wait: batchWait}
}

// read reads from c, the conn whose socket is b's, into p, once a batch
// has queued (up to len(p)) or the wait is over. The end of the stream is
// read when the wait is over.
func (b *batcher) read(c net.Conn, p []byte) (int, error) {
	want := min(batchMax, len(p), b.rcvbuf()/4)
	if want > 1 && b.setLowat(want) {
		if b.waitFor(want) != nil {
			// Out of time (or the socket failed, which the read
			// reports): take whatever has come, without a mark that
			// would hold a last small message back.
			b.off()
		}
	}
	return c.Read(p)
}

// waitFor waits until want bytes are queued (nil), or for at most b.wait
// (an error). Data already queued counts: the kernel's mark only governs
// wakeups.
func (b *batcher) waitFor(want int) error {
	if err := b.tcp.SetReadDeadline(time.Now().Add(b.wait)); err != nil {
		return err
	}
	defer b.tcp.SetReadDeadline(time.Time{})
	return b.rc.Read(func(fd uintptr) bool { return batchReady(fd, want) })
}

// off ends batching: reads return as soon as anything has arrived.
func (b *batcher) off() {
	if b.lowat > 1 {
		b.setLowat(1)
	}
}

// setLowat sets the socket's receive low-water mark to n bytes.
func (b *batcher) setLowat(n int) bool {
	if n == b.lowat {
		return true
	}
	if err := setRcvLowat(b.rc, n); err != nil {
		return false
	}
	b.lowat = n
	return true
}

// rcvbuf returns the socket's receive buffer size, 0 if unknown.
func (b *batcher) rcvbuf() int {
	n, err := rcvBuf(b.rc)
	if err != nil {
		return 0
	}
	return n
}
