package session

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// A blackholed first SYN does not delay the connect that the restored
// network lets through: the staggered dial starts a new one meanwhile.
func TestStaggeredDialOvertakesLostSYN(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var calls atomic.Int32
	var d net.Dialer
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done() // the first SYN is lost in the outage
			return nil, ctx.Err()
		}
		return d.DialContext(ctx, network, addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := staggered(dial, 20*time.Millisecond)(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("staggered dial: %v", err)
	}
	c.Close()
	if calls.Load() < 2 {
		t.Fatalf("only %d connect started", calls.Load())
	}
}

// Refused connects are retried at the cadence until the deadline, and the
// error says it was a dial.
func TestStaggeredDialGivesUpAtDeadline(t *testing.T) {
	var calls atomic.Int32
	refused := errors.New("connection refused")
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		calls.Add(1)
		return nil, &net.OpError{Op: "dial", Net: network, Err: refused}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := staggered(dial, 20*time.Millisecond)(ctx, "tcp", "127.0.0.1:1")
	if !failedBeforeServer(err) {
		t.Fatalf("error %v is not recognised as a dial failure", err)
	}
	if n := calls.Load(); n < 3 || n > 12 {
		t.Fatalf("%d connects in 200 ms at a 20 ms cadence", n)
	}
}

// A refused port is reported as refused, not as "timed out", even when a
// connect still in flight at the deadline ends with the context's error
// (issue 13: every other attempt was mislabelled).
func TestStaggeredDialRefusedIsNotTimeout(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for i := range 20 {
		var calls atomic.Int32
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			if calls.Add(1) == 1 {
				return nil, refused
			}
			<-ctx.Done() // later connects are still pending at the deadline
			return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
		_, err := staggered(dial, 10*time.Millisecond)(ctx, "tcp", "127.0.0.1:1")
		cancel()
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("run %d: error %v, want connection refused", i, err)
		}
	}
}
