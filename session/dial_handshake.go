package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// handshake runs the SSH handshake, host key check and authentication for
// t over raw, within t's connect timeout (suspended while prompting) and
// ctx. On failure raw is closed. proxy, if not nil, is the proxy command
// behind raw, whose stderr explains most failures.
func (d *dialer) handshake(ctx context.Context, raw net.Conn, t Target, final bool, proxy *proxyConn) (*ssh.Client, error) {
	timeout := t.connectTimeout()
	rec := newRecordingConn(raw)
	var conn net.Conn = rec
	if final && d.opts.WrapConn != nil {
		conn = d.opts.WrapConn(rec)
	}
	wd := startWatchdog(raw, timeout)
	stopCtx := context.AfterFunc(ctx, func() { raw.Close() })
	pr := &prompter{ctx: ctx, askFn: d.opts.Ask, batch: t.BatchMode, pause: wd.pause, resume: wd.resume}
	var onStage func(Stage)
	if final {
		onStage = d.opts.OnStage
	}
	checker, err := newHostKeyChecker(t, d.expander(t), pr, d.log, onStage)
	if err != nil {
		wd.stop()
		stopCtx()
		raw.Close()
		return nil, err
	}
	plan := newAuthPlan(t, d, pr, rec)
	defer plan.close()
	// x/crypto keeps the config for the connection's life (for re-keys),
	// but authenticates and shows banners only during the handshake: the
	// callbacks hold no more than they need, and nothing once the
	// handshake has returned.
	name, log, show := t.name(), d.log, d.opts.Banner
	if !final {
		show = nil
	}
	banner := func(msg string) error {
		if m := strings.TrimSpace(sanitize(msg)); m != "" {
			log(fmt.Sprintf("%s banner: %s", name, m))
		}
		if strings.TrimSpace(msg) == "" {
			return nil
		}
		vis := VisBanner(msg)
		if show != nil {
			show(vis)
		} else {
			pr.banner = vis
		}
		return nil
	}
	auth := plan.next
	defer func() { name, log, show, pr, auth = "", nil, nil, nil, nil }()
	cfg := &ssh.ClientConfig{
		User:              t.User,
		HostKeyCallback:   checker.check,
		HostKeyAlgorithms: checker.algorithms(t.HostKeyAlgorithms),
		AuthCallback:      func(ac *ssh.ClientAuthContext) (ssh.AuthMethod, error) { return auth(ac) },
		BannerCallback:    banner,
	}
	d.stage(final, StageHandshake)
	sc, chans, reqs, err := ssh.NewClientConn(conn, t.addr(), cfg)
	fired := wd.stop()
	ctxFired := !stopCtx()
	rec.stopRecording()
	if err == nil && (fired || ctxFired) {
		sc.Close()
		err = errors.New("connection closed at the end of the handshake")
	}
	if err != nil {
		err = d.handshakeError(ctx, err, t, timeout, fired, rec, plan, proxy)
		raw.Close()
		return nil, err
	}
	plan.succeeded()
	return ssh.NewClient(sc, chans, reqs), nil
}

// handshakeError turns a failed handshake into an error naming what
// failed and where.
func (d *dialer) handshakeError(ctx context.Context, err error, t Target, timeout time.Duration, fired bool, rec *recordingConn, plan *authPlan, proxy *proxyConn) error {
	addr := t.addr()
	if ctx.Err() != nil {
		return fmt.Errorf("SSH handshake with %s: %w", addr, context.Cause(ctx))
	}
	inner := err
	if u := errors.Unwrap(err); u != nil && strings.HasPrefix(err.Error(), "ssh: handshake failed: ") {
		inner = u
	}
	if IsPermanent(inner) {
		return inner
	}
	if proxy != nil {
		// A proxy command that failed usually explains why on stderr; give
		// it a moment to exit when the transport ended.
		wait := time.Duration(0)
		if errors.Is(inner, io.EOF) || errors.Is(rec.failure(), io.EOF) {
			wait = time.Second
		}
		if perr := proxy.exitError(wait); perr != nil {
			return perr
		}
	}
	got := rec.received()
	if fired {
		te := &TimeoutError{Op: "SSH handshake with " + addr, After: timeout}
		switch {
		case len(got) == 0:
			te.Hint = "the server accepted the connection but never sent an SSH greeting"
		case !bytes.HasPrefix(got, []byte("SSH-")):
			te.Hint = fmt.Sprintf("the server sent %s instead of an SSH greeting", quoteStart(got))
		case plan.started():
			te.Op = "authentication with " + addr
		}
		return te
	}
	if len(got) > 0 && !bytes.HasPrefix(got, []byte("SSH-")) && !bytes.Contains(got, []byte("\nSSH-")) {
		return fmt.Errorf("%s does not speak SSH: it sent %s: %w", addr, quoteStart(got), inner)
	}
	if plan.started() && strings.Contains(inner.Error(), "ssh: disconnect") {
		return plan.refused(fmt.Sprintf("the server disconnected: %s", strings.TrimPrefix(inner.Error(), "ssh: ")))
	}
	if errors.Is(inner, io.EOF) {
		if len(got) == 0 {
			return fmt.Errorf("SSH handshake with %s: the server closed the connection before saying anything: %w", addr, inner)
		}
		return fmt.Errorf("SSH handshake with %s: the server closed the connection: %w", addr, inner)
	}
	return fmt.Errorf("SSH handshake with %s: %w", addr, inner)
}

// quoteStart quotes the first bytes a server sent, for messages.
func quoteStart(b []byte) string {
	if len(b) > 32 {
		return fmt.Sprintf("%q…", b[:32])
	}
	return fmt.Sprintf("%q", b)
}

// sanitize removes control characters (terminal escapes) from text a
// server sent, keeping newlines and tabs.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
