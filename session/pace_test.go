package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// chunkConn is a net.Conn whose reads return the queued chunks one per
// Read, then err.
type chunkConn struct {
	net.Conn
	mu     sync.Mutex // guards chunks, reads
	chunks [][]byte
	err    error
	reads  []int // len(p) of every Read
}

func (c *chunkConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads = append(c.reads, len(p))
	if len(c.chunks) == 0 {
		return 0, c.err
	}
	n := copy(p, c.chunks[0])
	if n < len(c.chunks[0]) {
		c.chunks[0] = c.chunks[0][n:]
	} else {
		c.chunks = c.chunks[1:]
	}
	return n, nil
}

func TestPacedConnReadsEverythingThenTheError(t *testing.T) {
	boom := errors.New("boom")
	var want bytes.Buffer
	cc := &chunkConn{err: boom}
	for i := range 40 {
		chunk := bytes.Repeat([]byte{byte('a' + i%26)}, 1000+i*997)
		cc.chunks = append(cc.chunks, chunk)
		want.Write(chunk)
	}
	pc := newPacedConn(cc, &pacer{})
	var got bytes.Buffer
	buf := make([]byte, 4096) // what x/crypto's bufio asks for
	var err error
	for err == nil {
		var n int
		n, err = pc.Read(buf)
		got.Write(buf[:n])
	}
	if !errors.Is(err, boom) {
		t.Fatalf("final error %v, want boom", err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("read %d bytes, want %d, or different content", got.Len(), want.Len())
	}
	if n, err := pc.Read(buf); n != 0 || !errors.Is(err, boom) {
		t.Fatalf("after the error: %d, %v", n, err)
	}
}

func TestPacedConnBufferGrowsWithBulkOnly(t *testing.T) {
	cc := &chunkConn{err: io.EOF}
	for range 8 {
		cc.chunks = append(cc.chunks, make([]byte, readBufMax))
	}
	pc := newPacedConn(cc, &pacer{})
	buf := make([]byte, 4096)
	for {
		if _, err := pc.Read(buf); err != nil {
			break
		}
	}
	sizes := append([]int(nil), cc.reads...)
	if sizes[0] != readBufMin {
		t.Errorf("first socket read asked for %d, want %d", sizes[0], readBufMin)
	}
	if last := sizes[len(sizes)-1]; last != readBufMax {
		t.Errorf("socket reads %v never reached %d", sizes, readBufMax)
	}

	// Small arrivals keep the buffer small.
	cc = &chunkConn{err: io.EOF}
	for range 50 {
		cc.chunks = append(cc.chunks, []byte("tiny"))
	}
	pc = newPacedConn(cc, &pacer{})
	for {
		if _, err := pc.Read(buf); err != nil {
			break
		}
	}
	if pc.buf != nil {
		t.Errorf("the connection holds a %d-byte buffer after small reads only, want none (reads go to the caller's buffer)", len(pc.buf))
	}

	// Bulk, then small arrivals: the buffer goes back to its smallest.
	cc = &chunkConn{err: io.EOF}
	for range 8 {
		cc.chunks = append(cc.chunks, make([]byte, readBufMax))
	}
	for range 20 {
		cc.chunks = append(cc.chunks, []byte("heartbeat reply"))
	}
	pc = newPacedConn(cc, &pacer{})
	for {
		if _, err := pc.Read(buf); err != nil {
			break
		}
	}
	if slices.Max(cc.reads) != readBufMax {
		t.Errorf("socket reads %v never reached %d", cc.reads, readBufMax)
	}
	if last := cc.reads[len(cc.reads)-1]; last != len(buf) || pc.buf != nil {
		t.Errorf("after bulk and then small reads, the last read asked for %d and the connection holds %d bytes, want a read into the caller's %d and no buffer", last, len(pc.buf), len(buf))
	}
}

func TestSizeReadBuf(t *testing.T) {
	for _, c := range []struct{ size, n, small, want int }{
		{readBufMin, readBufMin, 0, 2 * readBufMin},
		{readBufMin, 1, shrinkAfter, readBufMin},
		{readBufMax, readBufMax, 0, readBufMax},
		{readBufMax, readBufMax / 8, shrinkAfter - 1, readBufMax / 2},
		{readBufMax, readBufMax / 8, shrinkAfter - 2, readBufMax}, // not yet
		{readBufMax, readBufMax / 8, 0, readBufMax},               // one small read among big ones
		{readBufMax, readBufMax/8 + 1, shrinkAfter, readBufMax},
		{2 * readBufMin, 0, shrinkAfter - 1, readBufMin},
		{64 << 10, 10 << 10, shrinkAfter, 64 << 10},
	} {
		small := c.small
		if got := len(sizeReadBuf(make([]byte, c.size), c.n, &small)); got != c.want {
			t.Errorf("after %d bytes into %d (%d small reads before): %d, want %d", c.n, c.size, c.small, got, c.want)
		}
	}
	// Reads alternating full and nearly empty keep one buffer.
	buf, small := make([]byte, 32<<10), 0
	for i := range 100 {
		n := len(buf)
		if i%2 == 1 {
			n = 100
		}
		if next := sizeReadBuf(buf, n, &small); len(next) < len(buf) {
			t.Fatalf("read %d (%d bytes) shrank the buffer to %d", i, n, len(next))
		} else {
			buf = next
		}
	}
}

// pipeConn is one end of net.Pipe with the data already written by a
// goroutine.
func pipeConn(t *testing.T, data string) net.Conn {
	t.Helper()
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	go func() { b.Write([]byte(data)) }()
	return a
}

// While a terminal write is in progress the next socket read waits for it;
// it proceeds as soon as the write ends.
func TestPacedConnWaitsForTheTerminalWrite(t *testing.T) {
	p := &pacer{}
	pc := newPacedConn(pipeConn(t, "data"), p)
	p.begin()
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 16)
		n, _ := pc.Read(buf)
		got <- string(buf[:n])
	}()
	select {
	case s := <-got:
		t.Fatalf("read %q during the terminal write", s)
	case <-time.After(paceMax / 5):
	}
	p.end()
	select {
	case s := <-got:
		if s != "data" {
			t.Fatalf("read %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("read still waiting after the terminal write ended")
	}
}

// A terminal write that never ends (a terminal that stopped reading)
// delays reads by paceMax at most: they go on.
func TestPacedConnWaitIsBounded(t *testing.T) {
	p := &pacer{}
	p.begin()
	defer p.end()
	pc := newPacedConn(pipeConn(t, "still here"), p)
	done := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(pc, 10))
		done <- string(b)
	}()
	select {
	case s := <-done:
		if s != "still here" {
			t.Fatalf("read %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reads stopped behind a stuck terminal write")
	}
}

// blockedTerminal is an attached terminal that takes the redraw and then
// stops reading in the first output write, like a terminal after XOFF.
type blockedTerminal struct {
	mu      sync.Mutex // guards writes
	writes  int
	stuck   chan struct{} // closed when a write blocks
	release chan struct{}
}

func (b *blockedTerminal) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.writes++
	n := b.writes
	b.mu.Unlock()
	if n == 2 {
		close(b.stuck)
	}
	if n >= 2 {
		<-b.release
	}
	return len(p), nil
}

// A session whose attached terminal stops reading in the middle of bulk
// output keeps answering heartbeats and stays up.
func TestSessionStuckTerminalKeepsHeartbeat(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := f.options(ReattachNone)
	opts.Shell.Command = "while :; do echo " + strings.Repeat("x", 70) + "; done"
	s := m.Open(opts)
	ev.waitState(t, Up)
	term := &blockedTerminal{stuck: make(chan struct{}), release: make(chan struct{})}
	stop := s.Attach(term)
	<-term.stuck
	before := s.Status().Heartbeat.Answered
	ev.waitFor(t, "three more answered heartbeats", func(e Event) bool {
		hb, ok := e.(HeartbeatUpdate)
		return ok && hb.Stats.Answered >= before+3
	})
	if st := s.Status().State; st != Up {
		t.Errorf("state %s with a stuck terminal, want up", st)
	}
	close(term.release)
	stop()
	m.CloseAll(context.Background())
}

// smallDiscard reads a stream to its end (as io.Copy's destination) and
// reports the bytes and the error.
func TestSmallDiscard(t *testing.T) {
	n, err := io.Copy(smallDiscard{}, strings.NewReader(strings.Repeat("x", 10000)))
	if n != 10000 || err != nil {
		t.Fatalf("copied %d, %v; want 10000, nil", n, err)
	}
	boom := errors.New("boom")
	n, err = io.Copy(smallDiscard{}, io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)))
	if n != 3 || !errors.Is(err, boom) {
		t.Fatalf("copied %d, %v; want 3, boom", n, err)
	}
	// What a PTY session's stderr copy holds while it waits: its buffer.
	var sizes []int
	io.Copy(smallDiscard{}, readSizes{&sizes})
	if len(sizes) != 1 || sizes[0] > 64 {
		t.Errorf("reads of %v bytes, want one of at most 64", sizes)
	}
}

// readSizes records the size of each Read and ends the stream.
type readSizes struct{ sizes *[]int }

func (r readSizes) Read(p []byte) (int, error) {
	*r.sizes = append(*r.sizes, len(p))
	return 0, io.EOF
}
