//go:build linux

package session

import (
	"bytes"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// sockInt reads an integer SOL_SOCKET option from c.
func sockInt(t *testing.T, c *net.TCPConn, opt int) int {
	t.Helper()
	return sockOpt(t, c, syscall.SOL_SOCKET, opt)
}

// sockOpt reads an integer socket option from c.
func sockOpt(t *testing.T, c *net.TCPConn, level, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	rc.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), level, opt) })
	if serr != nil {
		t.Fatal(serr)
	}
	return v
}

// readN reads exactly n bytes from pc in reads of up to 4 KiB, as
// x/crypto's bufio does, and returns them.
func readN(t *testing.T, pc *pacedConn, n int) []byte {
	t.Helper()
	var got []byte
	buf := make([]byte, 4096)
	for len(got) < n {
		k, err := pc.Read(buf[:min(len(buf), n-len(got))])
		got = append(got, buf[:k]...)
		if err != nil {
			t.Fatalf("after %d of %d bytes: %v", len(got), n, err)
		}
	}
	return got
}

// batchedConn returns a paced conn over a loopback TCP connection with
// batching started and bulk output already flowing (the last socket read
// brought 8 KiB), and the server end.
func batchedConn(t *testing.T, wait time.Duration) (*pacedConn, *net.TCPConn, *net.TCPConn) {
	t.Helper()
	client, server := tcpPair(t)
	pc := newPacedConn(client, &pacer{})
	pc.startBatching()
	// Read all that was written, until the last refill brought at least
	// batchFrom bytes; the next Read refills.
	for {
		if _, err := server.Write(make([]byte, 8<<10)); err != nil {
			t.Fatal(err)
		}
		readN(t, pc, 8<<10)
		if pc.w >= batchFrom && pc.r == pc.w {
			break
		}
	}
	if pc.batch == nil {
		t.Fatal("no batcher over TCP once batching started")
	}
	pc.batch.wait = wait
	return pc, client, server
}

// During bulk output the next read waits for a batch: the kernel is asked
// (SO_RCVLOWAT, at most the read buffer and a quarter of the receive
// buffer) to wake the reader only once it has queued, and the read then
// takes all of it.
func TestBatchReadWaitsForABatch(t *testing.T) {
	pc, client, server := batchedConn(t, time.Hour)
	// The next read's buffer: the mark is never above what it can take.
	small := pc.small
	next := len(sizeReadBuf(pc.buf, pc.w, &small))
	want := min(batchMax, next, sockInt(t, client, syscall.SO_RCVBUF)/4)
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		buf := make([]byte, 1)
		n, err := pc.Read(buf)
		done <- result{pc.w, err}
		_ = n
	}()
	if _, err := server.Write(make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		t.Fatalf("a 1 KiB arrival ended the batched read (%d bytes, %v); the kernel was not asked to wait", r.n, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	if got := sockInt(t, client, syscall.SO_RCVLOWAT); got != want {
		t.Errorf("SO_RCVLOWAT %d while waiting, want %d (min of %d, the %d-byte buffer and a quarter of the receive buffer)", got, want, batchMax, next)
	}
	if _, err := server.Write(make([]byte, 2*batchMax)); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.n < want {
		t.Errorf("the batched read took %d bytes, want at least %d", r.n, want)
	}
}

// The wait for a batch is bounded: a short message after bulk output (a
// prompt, a heartbeat reply) is read once the wait is over, the deadline
// never surfaces as an error, and batching ends so the next small message
// is read at once.
func TestBatchWaitIsBounded(t *testing.T) {
	pc, client, server := batchedConn(t, 20*time.Millisecond)
	if _, err := server.Write([]byte("$ ")); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, pc, 2); string(got) != "$ " {
		t.Fatalf("read %q", got)
	}
	if got := sockInt(t, client, syscall.SO_RCVLOWAT); got != 1 {
		t.Errorf("SO_RCVLOWAT %d after the wait ran out, want 1", got)
	}
	pc.batch.wait = time.Hour // a small read must not batch: this would hang
	if _, err := server.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, pc, 1); string(got) != "x" {
		t.Fatalf("read %q", got)
	}
}

// The end of the stream ends a batched read, with what came before it
// and then EOF.
func TestBatchReadEndsAtEOF(t *testing.T) {
	pc, _, server := batchedConn(t, 20*time.Millisecond)
	server.Write([]byte("last words"))
	server.Close()
	var got bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := pc.Read(buf)
		got.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got.String() != "last words" {
		t.Fatalf("read %q before EOF", got.String())
	}
}

// Bulk output arrives intact through batched reads, whatever its pace.
func TestBatchKeepsEveryByte(t *testing.T) {
	pc, _, server := batchedConn(t, batchWait)
	var want bytes.Buffer
	for i := range 300 {
		want.Write(bytes.Repeat([]byte{byte('a' + i%26)}, 1+i*173%9000))
	}
	go func() {
		p := want.Bytes()
		for i := 0; len(p) > 0; i++ {
			k := min(len(p), 1+i*7919%20000)
			server.Write(p[:k])
			p = p[k:]
			if i%7 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	if got := readN(t, pc, want.Len()); !bytes.Equal(got, want.Bytes()) {
		t.Fatal("the bytes read differ from the bytes sent")
	}
}

// Before the link is established (the handshake), nothing is batched; and
// a transport that is not TCP is never batched.
func TestBatchOnlyOverEstablishedTCP(t *testing.T) {
	client, _ := tcpPair(t)
	pc := newPacedConn(client, &pacer{})
	if pc.batcher() != nil {
		t.Fatal("batching before the link was established")
	}
	pc.startBatching()
	if pc.batcher() == nil {
		t.Fatal("no batching over an established TCP link")
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	pp := newPacedConn(a, &pacer{})
	pp.startBatching()
	if pp.batcher() != nil {
		t.Fatal("batching over a transport that is not TCP")
	}
}

// The low-water mark never exceeds a quarter of a small receive buffer
// (past that, Linux would grow the buffer and clamp the TCP window).
func TestBatchLowWaterMarkFollowsTheBuffer(t *testing.T) {
	client, server := tcpPair(t)
	if err := client.SetReadBuffer(32 << 10); err != nil {
		t.Fatal(err)
	}
	rcv := sockInt(t, client, syscall.SO_RCVBUF)
	pc := newPacedConn(client, &pacer{})
	pc.startBatching()
	pc.w = batchFrom // as after a bulk read
	pc.r = pc.w
	pc.buf = make([]byte, readBufMax)
	done := make(chan error, 1)
	go func() {
		_, err := pc.Read(make([]byte, 1))
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for sockInt(t, client, syscall.SO_RCVLOWAT) == 1 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
	// The wait may already be over; what was set is recorded.
	server.Write([]byte("x"))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := rcv / 4; pc.batch.lowat != 1 && pc.batch.lowat > got {
		t.Fatalf("low-water mark %d over a quarter of the %d-byte receive buffer", pc.batch.lowat, rcv)
	}
	if got := sockInt(t, client, syscall.SO_RCVBUF); got != rcv {
		t.Errorf("receive buffer changed from %d to %d", rcv, got)
	}
}
