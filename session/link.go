package session

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
)

// link is one established connection of a session: the SSH client, the
// shell channel, the heartbeat monitor and the goroutines pumping output.
// It is created by the run loop and torn down by it; close is idempotent.
type link struct {
	client *ssh.Client
	closer func() error
	act    *keepalive.Activity
	pace   *pacer
	mon    *keepalive.Monitor
	shell  *Shell
	stdin  io.WriteCloser
	stdout io.Reader

	tcpMu        sync.Mutex // guards tcp, paced and raw
	tcp          net.Conn   // the TCP socket when the transport is one (for live TCP settings)
	paced        *pacedConn // the transport as the SSH layer reads it
	raw          *rawIO     // the transport's raw socket I/O, started once the link is up (rawio.go)
	tcpKeepAlive bool       // kernel keepalive per ssh_config TCPKeepAlive

	once    sync.Once
	causeMu sync.Mutex // guards cause
	cause   error
}

// err returns the cause the link was closed with, nil while it is open.
func (l *link) err() error {
	l.causeMu.Lock()
	defer l.causeMu.Unlock()
	return l.cause
}

// wrap is the session's DialHooks.WrapConn: it remembers the TCP socket
// (under the dialer's own wrappers) for live TCP settings and reports
// every byte received to the heartbeat.
func (l *link) wrap(c net.Conn) net.Conn {
	raw := newRawIO(c)
	pc := newPacedConn(keepalive.WatchConn(raw, l.act), l.pace)
	l.tcpMu.Lock()
	if l.tcp == nil {
		if tc := keepalive.TCPConn(c); tc != nil {
			l.tcp = tc
		}
	}
	l.paced, l.raw = pc, raw
	l.tcpMu.Unlock()
	return pc
}

// established is called once the link is up: from now on bulk output is
// read in batches (see batch.go).
func (l *link) established() {
	l.tcpMu.Lock()
	pc, raw := l.paced, l.raw
	l.tcpMu.Unlock()
	if raw != nil {
		raw.start()
	}
	if pc != nil {
		pc.startBatching()
	}
}

// close tears the link down with a cause; only the first cause counts.
// The transport goes first: the server ends every channel with it, so the
// shell's own close then only ends the local readers, without encrypting
// and writing a channel-close message that nobody will act on (a write
// per session when quitting with a thousand open).
func (l *link) close(cause error) {
	l.once.Do(func() {
		l.causeMu.Lock()
		l.cause = cause
		l.causeMu.Unlock()
		if l.closer != nil {
			_ = l.closer()
		} else if l.client != nil {
			_ = l.client.Close()
		}
		if l.shell != nil {
			_ = l.shell.Close()
		}
	})
}

// setTCP applies heartbeat-derived TCP settings (keepalive, user timeout)
// to the socket, when the transport is a TCP socket.
func (l *link) setTCP(hb keepalive.Settings) {
	l.tcpMu.Lock()
	c := l.tcp
	l.tcpMu.Unlock()
	if c != nil {
		_ = keepalive.SetTCP(c, hb, l.tcpKeepAlive)
	}
}

// startShell opens the session's shell channel through StartShell: PTY,
// environment, agent forwarding, and the reattach wrapper around the
// RemoteCommand or login shell.
func (s *Session) startShell(l *link) error {
	s.mu.Lock()
	cols, rows := s.cols, s.rows
	s.mu.Unlock()
	opts := s.opts.Shell
	opts.Term, opts.Cols, opts.Rows = s.opts.Term, cols, rows
	opts.Log = func(msg string) { s.logf("%s", msg) }
	ctx, cancel := context.WithTimeout(s.ctx, shellSetupTimeout)
	defer cancel()
	sh, err := startRemote(ctx, l.client, remoteStart{
		Mode: s.opts.Reattach, Name: s.remoteName, Shell: opts, Clock: s.clock, MarkerWait: s.opts.markerWait,
		Info: wrapperInfo{Alias: s.opts.Alias, Client: localClient()},
	})
	if err != nil {
		return err
	}
	l.shell, l.stdin, l.stdout = sh, sh.Stdin, sh.Stdout
	return nil
}

// shellSetupTimeout bounds the PTY, environment and exec requests.
const shellSetupTimeout = 30 * time.Second

// pumpBufMin is the output pump's smallest read buffer: what each idle
// session holds while it waits for output (see pumpOutput).
const pumpBufMin = 512

// pumpOutput copies the shell's output into the emulator and the attached
// terminal until the channel ends. The first bytes are scanned for the
// wrapper's marker, which says how the shell was (re)attached.
func (s *Session) pumpOutput(l *link, method chan<- string) {
	// Like the transport's read buffer (see pace.go), the buffer grows
	// while reads fill it, so bulk output reaches the terminal in writes as
	// large as ssh's, and shrinks again after it, so an idle session keeps
	// a small one. Smaller than the transport's: a shell's prompt and echo
	// fit in pumpBufMin, and an idle session waits in this read for
	// minutes (bulk output doubles it to readBufMin in three reads).
	buf := make([]byte, pumpBufMin)
	small := 0 // consecutive small reads (see sizeReadBuf)
	var pending []byte
	scanning := true
	for {
		n, err := l.stdout.Read(buf)
		if n > 0 {
			s.bytesIn.Add(uint64(n))
			p := buf[:n]
			if scanning {
				pending = append(pending, p...)
				m, rest, more := scanMarker(pending)
				if more {
					continue
				}
				scanning = false
				method <- m
				p, pending = rest, nil
			}
			s.output(p)
		}
		buf = sizeReadBufFrom(buf, n, &small, pumpBufMin) // output keeps no reference to the old one
		if err != nil {
			if scanning {
				method <- ""
				if len(pending) > 0 {
					s.output(pending)
				}
			}
			return
		}
	}
}

// output writes p to the attached terminal, then feeds it to the emulator,
// and announces it. Emulating on the pump's goroutine costs a fifth less
// CPU per MB of text than a goroutine of its own (no copy, no handoff).
// The terminal gets each chunk before it is emulated, and the transport
// (see pace.go) reads on meanwhile.
func (s *Session) output(p []byte) {
	if len(p) == 0 {
		return
	}
	s.outMu.Lock()
	if s.attached != nil {
		s.pace.begin()
		_, _ = s.attached.Write(p)
		s.pace.end()
	}
	if s.plainOut {
		// Without a remote terminal nothing turns LF into CR LF but the
		// local terminal's own ONLCR; the emulator does it likewise.
		p = bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))
	}
	_, _ = s.screen.Write(p)
	if s.opts.Recorder != nil {
		s.opts.Recorder.Output(p)
	}
	if s.opts.Observer != nil {
		s.opts.Observer.Output(p)
	}
	s.outMu.Unlock()
	s.kickOutput()
}

// localLine writes a line of sshdash's own into the session's screen (and
// the attached terminal), e.g. to say that the previous shell was lost.
func (s *Session) localLine(text string) {
	s.output([]byte("\r\n\x1b[0;7m sshdash: " + text + " \x1b[0m\r\n"))
}

// killRemote ends the private tmux/screen session on the server; used when
// the user closes the session on purpose. If ctx ends first it closes the
// link, which ends the request, and reports that the remote session may
// be left running. Where nothing was started remotely (see
// mayHaveRemote) it opens no channel: the kill exec costs a round trip
// and a login shell or more, up to killTimeout on a slow server.
func (s *Session) killRemote(ctx context.Context, l *link) error {
	s.mu.Lock()
	method := s.lastMethod
	s.mu.Unlock()
	if l == nil || l.client == nil || !mayHaveRemote(s.opts, method) {
		return nil
	}
	done := make(chan error, 1)
	go func() {
		sess, err := l.client.NewSession()
		if err != nil {
			done <- err
			return
		}
		defer sess.Close()
		// The shell's environment (SetEnv may move tmux's socket, with
		// TMUX_TMPDIR) so the command finds the same tmux server.
		for _, kv := range s.opts.Shell.SetEnv {
			if k, v, ok := strings.Cut(kv, "="); ok {
				_ = sess.Setenv(k, v) // refused by the server: the shell did without it too
			}
		}
		done <- sess.Run(killCommand(s.remoteName))
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		l.close(errClosedByUser)
		<-done
		err = context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("%s: ending the remote session %s: %w", s.opts.Alias, s.remoteName, err)
	}
	return nil
}

// exitStatusOf interprets the shell's end: the remote exit status when the
// shell exited, or exited=false when the connection was lost instead.
func exitStatusOf(sh *Shell) (status int, exited bool) {
	if sh == nil { // tunnel-only: there is no shell to exit
		return 0, false
	}
	status, err := sh.Wait()
	return status, err == nil
}
