package session

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// rawTCPPair returns both ends of a loopback TCP connection.
func rawTCPPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		acc <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-acc
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestRawIOMovesDataBothWays sends 8 MiB each way through a started rawIO
// (more than the socket buffers hold, so writes wait in the poller) with
// a peer that reads slowly at first, and checks every byte.
func TestRawIOMovesDataBothWays(t *testing.T) {
	testWatchdog(t, 60*time.Second)
	c, s := rawTCPPair(t)
	r := newRawIO(c)
	if r.tcp == nil && canRawIO {
		t.Fatal("no raw socket under a TCP connection")
	}
	r.start()
	want := make([]byte, 8<<20)
	for i := range want {
		want[i] = byte(i * 7)
	}
	got := make(chan []byte, 1)
	go func() { // the peer: slow at first, then reads all and echoes it
		time.Sleep(100 * time.Millisecond)
		b, _ := io.ReadAll(io.LimitReader(s, int64(len(want))))
		s.Write(b)
		got <- b
	}()
	if n, err := r.Write(want); err != nil || n != len(want) {
		t.Fatalf("write: %d, %v", n, err)
	}
	back := make([]byte, len(want))
	if _, err := io.ReadFull(r, back); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !bytes.Equal(<-got, want) || !bytes.Equal(back, want) {
		t.Fatal("data differs after the round trip")
	}
}

// TestRawIOEndsAsTheConnDoes: deadlines, the peer's close (EOF, then a
// write error) and our own close read as they do on the plain conn.
func TestRawIOEndsAsTheConnDoes(t *testing.T) {
	testWatchdog(t, 30*time.Second)
	c, s := rawTCPPair(t)
	r := newRawIO(c)
	r.start()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := r.Read(make([]byte, 16)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v, want a deadline error", err)
	}
	c.SetReadDeadline(time.Time{})
	s.Write([]byte("bye"))
	s.Close()
	buf := make([]byte, 16)
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "bye" {
		t.Fatalf("read before EOF: %q, %v", buf[:n], err)
	}
	if _, err := r.Read(buf); err != io.EOF {
		t.Fatalf("read at the peer's close: %v, want io.EOF", err)
	}
	var werr error
	for range 100 { // the peer's RST arrives after the first write
		if _, werr = r.Write([]byte("x")); werr != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if werr == nil {
		t.Fatal("writes to a closed peer never failed")
	}
	c.Close()
	if _, err := r.Read(buf); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read after Close: %v, want net.ErrClosed", err)
	}
	if _, err := r.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after Close: %v, want net.ErrClosed", err)
	}
}

// TestRawIOPassesThroughUntilStarted: before start (the handshake) and on
// a conn that is not TCP, reads and writes go to the wrapped conn.
func TestRawIOPassesThroughUntilStarted(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	r := newRawIO(a)
	r.start() // not TCP: stays off
	if r.on.Load() {
		t.Fatal("raw I/O on over a pipe")
	}
	go b.Write([]byte("hi"))
	buf := make([]byte, 4)
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "hi" {
		t.Fatalf("pass-through read: %q, %v", buf[:n], err)
	}
	c, _ := rawTCPPair(t)
	if newRawIO(c).on.Load() {
		t.Fatal("raw I/O on before start")
	}
}
