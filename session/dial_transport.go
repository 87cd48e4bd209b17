package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// dialTCP connects to t over TCP: every address the host name resolves to
// in turn, each bounded by ConnectTimeout, and the whole round repeated
// ConnectionAttempts times one second apart, as ssh does.
func (d *dialer) dialTCP(ctx context.Context, t Target) (net.Conn, error) {
	attempts := max(t.ConnectionAttempts, 1)
	if d.opts.Fast {
		attempts = 1
	}
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}
		c, err, retry := d.dialAddrs(ctx, t)
		if err == nil {
			return c, nil
		}
		last = err
		if ctx.Err() != nil || !retry {
			break
		}
		if i+1 < attempts {
			d.log(fmt.Sprintf("%s: attempt %d of %d failed: %v", t.name(), i+1, attempts, err))
		}
	}
	return nil, last
}

// dialAddrs makes one attempt: it resolves the host and tries each
// address. retry is false for failures another attempt cannot fix soon
// (the name does not resolve).
func (d *dialer) dialAddrs(ctx context.Context, t Target) (c net.Conn, err error, retry bool) {
	nd := net.Dialer{}
	if d.opts.Dialer != nil {
		nd = *d.opts.Dialer
	} else if !t.TCPKeepAlive {
		nd.KeepAlive = -1
	}
	timeout := t.connectTimeout()
	if d.opts.Fast {
		timeout = min(timeout, FastConnectTimeout)
	}
	nd.Timeout = timeout
	host, port := t.hostName(), strconv.Itoa(t.port())
	if d.opts.DialTCP != nil {
		addr := net.JoinHostPort(host, port)
		dctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		c, err := d.opts.DialTCP(dctx, "tcp", addr)
		if err != nil {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx), false
			}
			return nil, fmt.Errorf("dial %s: %w", addr, cleanNetError(err, timeout)), true
		}
		return c, nil, true
	}
	var addrs []string
	if ip := net.ParseIP(host); ip != nil {
		addrs = []string{host}
	} else {
		res := nd.Resolver
		if res == nil {
			res = net.DefaultResolver
		}
		rctx, cancel := context.WithTimeout(ctx, timeout)
		ips, err := res.LookupIPAddr(rctx, host)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx), false
			}
			var dnsErr *net.DNSError
			notFound := errors.As(err, &dnsErr) && dnsErr.IsNotFound
			return nil, fmt.Errorf("resolve %s: %w", host, cleanNetError(err, timeout)), !notFound
		}
		for _, ip := range ips {
			addrs = append(addrs, ip.String())
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("resolve %s: no addresses", host), false
		}
	}
	var errs []error
	for _, a := range addrs {
		addr := net.JoinHostPort(a, port)
		c, err := nd.DialContext(ctx, "tcp", addr)
		if err == nil {
			return c, nil, true
		}
		if ctx.Err() != nil {
			return nil, context.Cause(ctx), false
		}
		errs = append(errs, fmt.Errorf("dial %s: %w", addr, cleanNetError(err, timeout)))
	}
	return nil, joinHostErrors(errs), true
}

// cleanNetError shortens Go's network errors ("dial tcp 1.2.3.4:22:
// connect: connection refused") to their cause ("connection refused"),
// keeping the original in the chain, and turns timeouts into a
// *TimeoutError-like message naming the limit.
func cleanNetError(err error, timeout time.Duration) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &netCause{msg: fmt.Sprintf("timed out after %s", timeout), err: err}
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &netCause{msg: errno.Error(), err: err}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &netCause{msg: dnsErr.Err, err: err}
	}
	return err
}

// netCause is a network error with a shorter message.
type netCause struct {
	msg string
	err error
}

func (e *netCause) Error() string { return e.msg }
func (e *netCause) Unwrap() error { return e.err }

// Timeout reports whether the underlying error was a timeout.
func (e *netCause) Timeout() bool {
	var ne net.Error
	return errors.As(e.err, &ne) && ne.Timeout() || errors.Is(e.err, context.DeadlineExceeded)
}

// recordingConn notes what happens on a transport during the handshake:
// the first bytes the server sent (to recognise a server that does not
// speak SSH) and the first I/O error (so authentication stops at once when
// the connection is gone). After the handshake it only passes through.
type recordingConn struct {
	net.Conn
	active atomic.Bool // recording until the handshake ends

	mu    sync.Mutex // guards first, ioErr
	first []byte     // up to 64 bytes first received
	ioErr error      // first read or write error
}

func newRecordingConn(c net.Conn) *recordingConn {
	r := &recordingConn{Conn: c}
	r.active.Store(true)
	return r
}

// Read reads from the transport.
func (r *recordingConn) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	if r.active.Load() {
		r.mu.Lock()
		if k := min(n, 64-len(r.first)); k > 0 {
			r.first = append(r.first, p[:k]...)
		}
		if err != nil && r.ioErr == nil {
			r.ioErr = err
		}
		r.mu.Unlock()
	}
	return n, err
}

// Write writes to the transport.
func (r *recordingConn) Write(p []byte) (int, error) {
	n, err := r.Conn.Write(p)
	if err != nil && r.active.Load() {
		r.mu.Lock()
		if r.ioErr == nil {
			r.ioErr = err
		}
		r.mu.Unlock()
	}
	return n, err
}

// NetConn returns the wrapped transport (keepalive.SetUserTimeout looks
// through wrappers this way).
func (r *recordingConn) NetConn() net.Conn { return r.Conn }

// received returns the first bytes the server sent.
func (r *recordingConn) received() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.first...)
}

// failure returns the first I/O error, or nil.
func (r *recordingConn) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ioErr
}

// stopRecording makes the conn a plain pass-through.
func (r *recordingConn) stopRecording() { r.active.Store(false) }

// watchdog closes a transport when the handshake and authentication take
// longer than the connect timeout (x/crypto does not bound them). The
// clock is suspended while the user is being asked something.
type watchdog struct {
	c io.Closer
	d time.Duration

	mu      sync.Mutex // guards t, paused, fired, stopped
	t       *time.Timer
	paused  int
	fired   bool
	stopped bool
}

func startWatchdog(c io.Closer, d time.Duration) *watchdog {
	w := &watchdog{c: c, d: d}
	w.mu.Lock()
	w.t = time.AfterFunc(d, w.fire)
	w.mu.Unlock()
	return w
}

func (w *watchdog) fire() {
	w.mu.Lock()
	if w.stopped || w.paused > 0 || w.fired {
		w.mu.Unlock()
		return
	}
	w.fired = true
	w.mu.Unlock()
	w.c.Close()
}

// pause suspends the timeout (while a prompt is open).
func (w *watchdog) pause() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.paused++
	w.t.Stop()
}

// resume restarts the full timeout after a prompt.
func (w *watchdog) resume() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.paused > 0 {
		w.paused--
	}
	if w.paused == 0 && !w.stopped && !w.fired {
		w.t.Reset(w.d)
	}
}

// stop ends the watchdog and reports whether it had fired.
func (w *watchdog) stop() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.t.Stop()
	return w.fired
}
