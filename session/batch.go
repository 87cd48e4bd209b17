package session

import (
	"errors"
	"net"
	"os"
	"time"
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
// read asks the kernel, with the receive low-water mark (SO_RCVLOWAT), to
// wake us only once a batch has queued, and bounds that wait with a read
// deadline of batchWait: whatever has arrived by then is read at once. A
// smaller read ends batching. Interactive traffic (keystroke echo,
// heartbeat replies) is never delayed: it comes in small reads, and data
// that follows a large read waits at most batchWait.
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
	lowat int // SO_RCVLOWAT as last set; 0 means the kernel default (1)
}

// newBatcher returns a batcher for the TCP socket under c, or nil when c
// is not over TCP (ProxyCommand, ProxyJump) or the platform cannot batch.
func newBatcher(c net.Conn) *batcher {
	tc := tcpOf(c)
	if tc == nil || !canBatch {
		return nil
	}
	return &batcher{tcp: tc}
}

// read reads from c, the conn whose socket is b's, into p, once up to a
// batch has queued or batchWait has passed. ok is false when nothing had
// come by then (the low-water mark is reset: the caller reads normally)
// or when the socket cannot be set up for batching.
func (b *batcher) read(c net.Conn, p []byte) (n int, err error, ok bool) {
	want := min(batchMax, len(p), b.rcvbuf()/4)
	if want <= 1 || !b.setLowat(want) {
		return 0, nil, false
	}
	if b.tcp.SetReadDeadline(time.Now().Add(batchWait)) != nil {
		b.off()
		return 0, nil, false
	}
	n, err = c.Read(p)
	_ = b.tcp.SetReadDeadline(time.Time{})
	if n == 0 && errors.Is(err, os.ErrDeadlineExceeded) {
		b.off()
		return 0, nil, false
	}
	return n, err, true
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
	if err := setRcvLowat(b.tcp, n); err != nil {
		return false
	}
	b.lowat = n
	return true
}

// rcvbuf returns the socket's receive buffer size, 0 if unknown.
func (b *batcher) rcvbuf() int {
	n, err := rcvBuf(b.tcp)
	if err != nil {
		return 0
	}
	return n
}

// tcpOf unwraps c (through NetConn methods) to its TCP socket, or nil.
func tcpOf(c net.Conn) *net.TCPConn {
	for c != nil {
		switch v := c.(type) {
		case *net.TCPConn:
			return v
		case interface{ NetConn() net.Conn }:
			c = v.NetConn()
		default:
			return nil
		}
	}
	return nil
}
