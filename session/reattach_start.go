package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
)

// remoteStart says how to start a session's remote side.
type remoteStart struct {
	Mode  ReattachMode // "" means auto
	Name  string       // the private tmux/screen session's name
	Info  wrapperInfo  // recorded in the tmux session's user options
	Shell ShellOptions // the user's: Command is the RemoteCommand ("" for the login shell)
	// MarkerWait bounds how long the wrapper may take to print its marker
	// before its output is passed on as it is; 0 means 15 s.
	MarkerWait time.Duration
	Clock      keepalive.Clock // for MarkerWait; nil means the real clock
}

// Reasons a session gets a plain shell without running the wrapper; they
// travel in the marker and are shown at connect.
const (
	whyNoneMode  = "reattach = none in the settings"
	whyNoTTY     = "RequestTTY no (no terminal, so no tmux)"
	whyRefused   = "the server refused to run sshdash's wrapper"
	whyNoWrapper = "the server did not run sshdash's wrapper"
)

// markerAck is what sshdash answers the wrapper's marker with, before tmux
// or screen attaches (ASCII ACK).
const markerAck = "\x06"

// maxEarlyOutput bounds what is read while waiting for the wrapper's
// marker, and what is shown of a failed wrapper's output.
const (
	maxEarlyOutput = 64 << 10
	maxShownOutput = 1 << 10
)

// startRemote starts the session's shell: the wrapper (tmux, screen or a
// plain shell, which it reports in its marker), or, where the wrapper is
// not wanted (reattach = none, RequestTTY no) or the server will not run it
// (exec refused, or the exec ended with a non-zero status before the
// marker: no /bin/sh, rbash, cmd.exe, a ForceCommand), a plain shell or
// command as ssh would start it. The returned Shell's Stdout always starts
// with a marker saying which way it went, and why, for pumpOutput.
func startRemote(ctx context.Context, client *ssh.Client, rs remoteStart) (*Shell, error) {
	opts := rs.Shell
	mode := rs.Mode
	if mode == "" {
		mode = ReattachAuto
	}
	if opts.NoTerminal() {
		return startPlain(ctx, client, opts, whyNoTTY, nil)
	}
	if mode == ReattachNone {
		return startPlain(ctx, client, opts, whyNoneMode, nil)
	}
	wopts := opts
	wopts.RequestTTY = "force" // attaching needs a terminal, whatever the command is
	wopts.Command = wrapperCommand(mode, rs.Name, opts.Command, rs.Info)
	sh, err := StartShell(ctx, client, wopts)
	if errors.Is(err, errRequestRefused) {
		return startPlain(ctx, client, opts, whyRefused, nil)
	}
	if err != nil {
		return nil, err
	}
	wait := rs.MarkerWait
	if wait <= 0 {
		wait = 15 * time.Second
	}
	clock := rs.Clock
	if clock == nil {
		clock = keepalive.RealClock{}
	}
	early, rest, found, ended := readToMarker(ctx, clock, sh.Stdout, wait)
	sh.Stdout = rest
	if found {
		m, _, _ := scanMarker(early)
		if !plainShell(m) {
			// The wrapper waits for this before it attaches (see ackmark).
			if _, err := io.WriteString(sh.Stdin, markerAck); err != nil {
				sh.Close()
				return nil, fmt.Errorf("acknowledge the wrapper's marker: %w", err)
			}
			if strings.HasPrefix(m, "tmux") && len(afterMarker(early)) == 0 {
				// Nothing from tmux yet: keys wait until it has the terminal.
				holdEarlyInput(sh, clock)
			}
		}
		sh.Stdout = io.MultiReader(bytes.NewReader(early), sh.Stdout)
		return sh, nil
	}
	sh.Stdout = io.MultiReader(bytes.NewReader(early), rest)
	if !ended {
		return sh, nil
	}
	status, _ := sh.Wait()
	if status == 0 {
		// Something ran and succeeded (a ForceCommand, say): that is the
		// session's whole result, as under ssh.
		return sh, nil
	}
	sh.Close()
	why := fmt.Sprintf("%s (exit status %d)", whyNoWrapper, status)
	return startPlain(ctx, client, opts, why, early)
}

// startPlain starts the login shell or the RemoteCommand without the
// wrapper and puts a marker saying why (and what the server printed when
// the wrapper failed, then a line saying the shell will not survive a
// drop) in front of its output.
func startPlain(ctx context.Context, client *ssh.Client, opts ShellOptions, why string, serverSaid []byte) (*Shell, error) {
	sh, err := StartShell(ctx, client, opts)
	if err != nil {
		return nil, err
	}
	var pre bytes.Buffer
	pre.WriteString(markerPrefix + "none;" + why + "\a")
	if said := shownOutput(serverSaid); said != "" {
		pre.WriteString(said + "\r\n")
	}
	if why != whyNoTTY {
		// Under RequestTTY no the output is the command's alone, as with ssh -T.
		fmt.Fprintf(&pre, "sshdash: %s: starting a plain shell (it will not survive a drop)\r\n", why)
	}
	sh.Stdout = io.MultiReader(&pre, sh.Stdout)
	return sh, nil
}

// shownOutput is what the server printed before refusing the wrapper, made
// safe to show: control sequences removed, lines ending in CR LF, at most
// maxShownOutput bytes.
func shownOutput(p []byte) string {
	if len(p) > maxShownOutput {
		p = p[:maxShownOutput]
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(string(p), "?") {
		switch {
		case r == '\n':
			b.WriteString("\r\n")
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// readToMarker reads r until the wrapper's marker is complete (found), r
// ends (ended), maxEarlyOutput bytes came without a marker, or wait
// passes. It returns what it read and a reader for the rest of r (which
// includes a read still in flight).
func readToMarker(ctx context.Context, clock keepalive.Clock, r io.Reader, wait time.Duration) (early []byte, rest io.Reader, found, ended bool) {
	timer := clock.NewTimer(wait)
	defer timer.Stop()
	results := make(chan readResult, 1)
	for len(early) < maxEarlyOutput {
		go func() {
			buf := make([]byte, 4096)
			n, err := r.Read(buf)
			results <- readResult{buf[:n], err}
		}()
		select {
		case res := <-results:
			early = append(early, res.p...)
			if m, _, more := scanMarker(early); m != "" {
				return early, errReader(r, res.err), true, false
			} else if res.err != nil {
				return early, errReader(r, res.err), false, true
			} else if !more && bytes.Contains(early, []byte(markerPrefix)) {
				return early, r, false, false
			}
		case <-timer.C():
			return early, &inflightReader{ch: results, r: r}, false, false
		case <-ctx.Done():
			return early, &inflightReader{ch: results, r: r}, false, false
		}
	}
	return early, r, false, false
}

// readResult is one Read's result.
type readResult struct {
	p   []byte
	err error
}

// errReader is r, or, when err already ended r, a reader returning err.
func errReader(r io.Reader, err error) io.Reader {
	if err != nil {
		return eofReader{err}
	}
	return r
}

// eofReader returns its error on every Read.
type eofReader struct{ err error }

func (e eofReader) Read([]byte) (int, error) { return 0, e.err }

// inflightReader hands out the result of a Read still in flight when
// readToMarker gave up waiting, then reads r.
type inflightReader struct {
	ch   <-chan readResult
	r    io.Reader
	left []byte
	err  error
	done bool // the in-flight result has been taken
}

func (f *inflightReader) Read(p []byte) (int, error) {
	if !f.done {
		res := <-f.ch
		f.left, f.err, f.done = res.p, res.err, true
	}
	if len(f.left) > 0 {
		n := copy(p, f.left)
		f.left = f.left[n:]
		return n, nil
	}
	if f.err != nil {
		return 0, f.err
	}
	return f.r.Read(p)
}

// localClient is user@machine of the local side, recorded on the server
// with each private session so that it can be found again.
func localClient() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "unknown"
	}
	return localUserName() + "@" + h
}
