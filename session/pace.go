package session

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Pacing: bulk output moves in large batches, as in ssh.
//
// ssh is one loop: while it writes a batch of output to the terminal, it
// does not read the network, so the next read finds everything that
// arrived meanwhile (256 KiB per read and per terminal write in our
// measurements). Here the transport is read by x/crypto's own goroutine,
// which took every ~4 KiB packet the moment it arrived, and the output
// pump then wrote each one to the terminal: for the same output, eight
// times the syscalls and twice the CPU of ssh, and sshd, seeing a reader
// that never falls behind, also worked in 4 KiB steps. On a loaded machine
// that CPU is throughput.
//
// The pacer restores ssh's coupling without its risk: while the pump is
// writing to the attached terminal, the next read from the socket waits
// until that write is done, but never longer than paceMax, so heartbeat
// replies and other channels are at most that much later even when the
// terminal stops reading (XOFF, a suspended terminal). With nothing
// attached nothing waits.
//
// Pacing covers a slow terminal; batching (batch.go) covers the other
// case, output that arrives slowly, and applies whether attached or not.

// paceMax bounds how long a transport read waits for a terminal write.
// Heartbeat thresholds are hundreds of milliseconds at the least.
const paceMax = 10 * time.Millisecond

// Transport read buffer: it starts small, so idle sessions stay cheap
// (an idle session's read waits with its buffer: at 32 KiB, 1,000 idle
// sessions held 31 MiB in two such buffers each), doubles each time a
// read fills it, up to what ssh reads at once, and halves again on each
// read that uses at most an eighth of it, so bulk output leaves no
// 256 KiB buffer behind.
const (
	readBufMin = 4 << 10
	readBufMax = 256 << 10
)

// pacer says whether the output pump is writing to the attached terminal.
type pacer struct {
	mu   sync.Mutex    // guards busy
	busy chan struct{} // non-nil during a terminal write; closed when it ends
}

// begin marks the start of a terminal write; end must follow.
func (p *pacer) begin() {
	p.mu.Lock()
	p.busy = make(chan struct{})
	p.mu.Unlock()
}

// end marks the end of the terminal write begun last.
func (p *pacer) end() {
	p.mu.Lock()
	if p.busy != nil {
		close(p.busy)
		p.busy = nil
	}
	p.mu.Unlock()
}

// wait returns once no terminal write is in progress, or after at most
// paceMax.
func (p *pacer) wait() {
	p.mu.Lock()
	busy := p.busy
	p.mu.Unlock()
	if busy == nil {
		return
	}
	t := time.NewTimer(paceMax)
	select {
	case <-busy:
	case <-t.C:
	}
	t.Stop()
}

// pacedConn is the session's transport as the SSH layer reads it: reads
// are served from a buffer, refilled with one socket read once the
// terminal has taken the previous output (see pacer). Writes and
// everything else pass through. Read must not be called concurrently (the
// SSH transport reads from one goroutine).
type pacedConn struct {
	net.Conn
	pace     *pacer
	batching atomic.Bool // set once the link is established (see batch.go)

	// Used only by the reading goroutine:
	batch *batcher // created at the first refill after batching was set; nil when not TCP
	tried bool     // batch was created (or found impossible)
	buf   []byte   // buf[r:w] is unread; w is also the size of the last refill; nil while reads go direct
	r, w  int
	small int   // consecutive small refills (see sizeReadBuf)
	err   error // the error of the read that filled buf, returned once buf is drained
}

func newPacedConn(c net.Conn, p *pacer) *pacedConn {
	return &pacedConn{Conn: c, pace: p}
}

// Read implements io.Reader.
func (c *pacedConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.r == c.w && c.err == nil {
		if c.direct() {
			return c.readDirect(p)
		}
		c.refill()
	}
	if c.r == c.w {
		err := c.err
		c.err = nil
		return 0, err
	}
	n := copy(p, c.buf[c.r:c.w])
	c.r += n
	return n, nil
}

// direct reports whether the next socket read goes straight into the
// caller's buffer: while reads stay small the connection holds no buffer
// of its own. An idle session waits in a read for minutes; with its own
// buffer that was 4 KiB per session beside the SSH layer's, a tenth of
// the heap at a thousand sessions. Bulk output (a read that fills
// readBufMin) takes a buffer again, to grow and batch.
func (c *pacedConn) direct() bool {
	switch {
	case c.buf == nil:
		return true
	case len(c.buf) == readBufMin && c.small >= shrinkAfter && c.w <= readBufMin/8:
		c.buf, c.r, c.w, c.small = nil, 0, 0, 0
		return true
	}
	return false
}

// readDirect waits for the pacer, then reads once into p. A read that
// fills readBufMin ends direct reads: the next refill batches (c.w).
func (c *pacedConn) readDirect(p []byte) (int, error) {
	c.pace.wait()
	n, err := c.Conn.Read(p)
	if n >= readBufMin {
		c.buf = make([]byte, 2*readBufMin)
		c.r = min(n, len(c.buf))
		c.w = c.r
	}
	return n, err
}

// refill waits for the pacer, then reads once into the (empty) buffer.
func (c *pacedConn) refill() {
	c.buf = sizeReadBuf(c.buf, c.w, &c.small)
	c.pace.wait()
	if b := c.batcher(); b != nil {
		if c.w >= batchFrom {
			n, err := b.read(c.Conn, c.buf)
			c.r, c.w, c.err = 0, n, err
			return
		}
		b.off()
	}
	n, err := c.Conn.Read(c.buf)
	c.r, c.w, c.err = 0, n, err
}

// startBatching lets bulk output be read in batches from now on.
func (c *pacedConn) startBatching() { c.batching.Store(true) }

// batcher returns the batcher once batching has started, nil before or
// when the transport cannot batch.
func (c *pacedConn) batcher() *batcher {
	if !c.tried && c.batching.Load() {
		c.batch, c.tried = newBatcher(c.Conn), true
	}
	return c.batch
}

// sizeReadBuf returns the buffer for the next read after a read of n
// bytes into buf: twice the size, up to readBufMax, when the read filled
// it; half the size, down to readBufMin, when it used at most an eighth
// and so did the shrinkAfter-1 reads before it; else buf. *small counts
// those consecutive small reads. Without the count, a stream whose reads
// alternate between full and nearly empty (an SSH channel hands over a
// packet or what has queued) reallocated its buffer on every read: a
// fifth of the dashboard's allocations during `cat /dev/urandom | base64`.
// Callers keep no reference to the old buffer's content.
func sizeReadBuf(buf []byte, n int, small *int) []byte {
	return sizeReadBufFrom(buf, n, small, readBufMin)
}

// sizeReadBufFrom is sizeReadBuf with floor as the smallest size.
func sizeReadBufFrom(buf []byte, n int, small *int, floor int) []byte {
	if n > len(buf)/8 {
		*small = 0
	} else {
		*small++
	}
	switch {
	case n == len(buf) && len(buf) < readBufMax:
		return make([]byte, 2*len(buf))
	case *small >= shrinkAfter && len(buf) > floor:
		return make([]byte, max(len(buf)/2, floor))
	}
	return buf
}

// shrinkAfter is how many consecutive reads of at most an eighth of the
// buffer make sizeReadBuf halve it (and every further one halves it
// again, so the smallest size is soon back after bulk).
const shrinkAfter = 4

// NetConn returns the wrapped connection (keepalive.SetUserTimeout looks
// through it for the TCP socket).
func (c *pacedConn) NetConn() net.Conn { return c.Conn }
