package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// errRequestRefused is the error of a shell or exec request the server
// answered with a refusal (as opposed to the connection ending).
var errRequestRefused = errors.New("the server refused the request")

// ShellOptions configure StartShell. Target.ShellOptions fills the
// ssh_config parts (RequestTTY, RemoteCommand, SetEnv, SendEnv,
// ForwardAgent).
type ShellOptions struct {
	Term       string            // $TERM for the PTY; "" means xterm-256color
	Cols, Rows int               // initial size; 0 means 80×24
	Modes      ssh.TerminalModes // terminal modes for the PTY; nil means DefaultTerminalModes()

	RequestTTY string // "auto" (""): a PTY unless Command is set; "yes"/"force": always; "no": never
	Command    string // remote command; "" starts the login shell

	SetEnv  []string // NAME=VALUE, sent as env requests
	SendEnv []string // patterns (*, ?; -PATTERN excludes) of local variables to send
	Environ []string // local environment for SendEnv; nil means os.Environ()

	ForwardAgent string              // "yes" ($SSH_AUTH_SOCK), "no"/"" (off), a socket path or $VAR
	Getenv       func(string) string // for ForwardAgent; nil means os.Getenv
	Home         string              // for ~ in ForwardAgent; "" means os.UserHomeDir

	OnStage func(Stage)  // told StagePTY and StageShell; may be nil
	Log     func(string) // refused requests and the like; may be nil
}

// ShellOptions returns the shell options ssh_config gives for t.
func (t Target) ShellOptions() ShellOptions {
	return ShellOptions{
		RequestTTY:   t.RequestTTY,
		Command:      t.RemoteCommand,
		SetEnv:       t.SetEnv,
		SendEnv:      t.SendEnv,
		ForwardAgent: t.ForwardAgent,
	}
}

// Shell is a remote login shell or command on an SSH connection.
type Shell struct {
	// Stdin is the remote program's input; closing it sends EOF.
	Stdin io.WriteCloser
	// Stdout is the remote program's output: the PTY's output (stderr is
	// part of it) or, without a PTY, stdout and stderr merged.
	Stdout io.Reader

	sess   *ssh.Session
	pty    bool
	merged *io.PipeReader // Stdout without a PTY; closed by Close to unblock writers
	done   chan struct{}  // closed when the program has ended

	status int    // valid once done is closed
	signal string // exit signal name, if any; valid once done is closed
	err    error  // valid once done is closed

	closeOnce sync.Once
}

// StartShell opens a session channel on client and starts the login shell
// or opts.Command in it: environment (SendEnv, SetEnv; refusals are
// ignored, as ssh does), a PTY when RequestTTY asks for one (a refused PTY
// is logged and the shell runs without), agent forwarding, then the shell.
// ctx bounds the setup only; once started the shell runs until it exits,
// Close is called or the connection ends.
func StartShell(ctx context.Context, client *ssh.Client, opts ShellOptions) (*Shell, error) {
	type result struct {
		sh  *Shell
		err error
	}
	ch := make(chan result, 1)
	go func() {
		sh, err := startShell(client, opts)
		ch <- result{sh, err}
	}()
	select {
	case r := <-ch:
		return r.sh, r.err
	case <-ctx.Done():
		// The setup goroutine ends when its requests are answered or the
		// connection closes; whatever it started is closed then.
		go func() {
			if r := <-ch; r.sh != nil {
				r.sh.Close()
			}
		}()
		return nil, fmt.Errorf("starting the remote shell: %w", context.Cause(ctx))
	}
}

func startShell(client *ssh.Client, opts ShellOptions) (*Shell, error) {
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			opts.Log(fmt.Sprintf(format, args...))
		}
	}
	stage := func(s Stage) {
		if opts.OnStage != nil {
			opts.OnStage(s)
		}
	}
	sess, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("open session channel: %w", err)
	}
	sh := &Shell{sess: sess, done: make(chan struct{})}
	fail := func(err error) (*Shell, error) {
		sess.Close()
		return nil, err
	}

	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	for _, kv := range envToSend(environ, opts.SendEnv, opts.SetEnv) {
		if err := sendEnv(sess, kv[0], kv[1]); err != nil {
			return fail(fmt.Errorf("send environment: %w", err))
		}
	}

	if wantPTY(opts.RequestTTY, opts.Command) {
		stage(StagePTY)
		term, cols, rows, modes := opts.Term, opts.Cols, opts.Rows, opts.Modes
		if term == "" {
			term = "xterm-256color"
		}
		if cols <= 0 || rows <= 0 {
			cols, rows = 80, 24
		}
		if modes == nil {
			modes = DefaultTerminalModes()
		}
		if err := sess.RequestPty(term, rows, cols, modes); err != nil {
			if errors.Is(err, io.EOF) {
				return fail(fmt.Errorf("request PTY: %w", err))
			}
			logf("the server refused a PTY (%v); running without one", err)
		} else {
			sh.pty = true
		}
	}

	if err := forwardAgent(client, sess, opts); err != nil {
		logf("agent forwarding not set up: %v", err)
	}

	sh.Stdin, err = sess.StdinPipe()
	if err != nil {
		return fail(fmt.Errorf("stdin: %w", err))
	}
	var mergedW *io.PipeWriter
	if sh.pty {
		if sh.Stdout, err = sess.StdoutPipe(); err != nil {
			return fail(fmt.Errorf("stdout: %w", err))
		}
		// With a PTY the shell's stderr is in stdout; x/crypto still
		// copies the stderr stream, to io.Discard by default, which
		// holds a pooled 8 KiB buffer for the session's whole life.
		sess.Stderr = smallDiscard{}
	} else {
		sh.merged, mergedW = io.Pipe()
		sess.Stdout, sess.Stderr = mergedW, mergedW
		sh.Stdout = sh.merged
	}

	stage(StageShell)
	if opts.Command != "" {
		err = sess.Start(opts.Command)
	} else {
		err = sess.Shell()
	}
	if err != nil {
		if mergedW != nil {
			mergedW.Close()
		}
		what := "start the login shell"
		if opts.Command != "" {
			what = "run the remote command"
		}
		if !errors.Is(err, io.EOF) {
			// x/crypto's error quotes the whole command: say only that
			// the server refused.
			err = errRequestRefused
		}
		return fail(fmt.Errorf("%s: %w", what, err))
	}
	go sh.wait(mergedW)
	return sh, nil
}

// wait waits for the remote program and records how it ended.
func (s *Shell) wait(mergedW *io.PipeWriter) {
	err := s.sess.Wait()
	var ee *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		s.status = 0
	case errors.As(err, &ee):
		s.status, s.signal = ee.ExitStatus(), ee.Signal()
		if s.signal != "" && s.status == 128 {
			// x/crypto adds nothing to 128 for a signal name it does not
			// know; ssh exits 255 then, not with a made-up number.
			s.status = 255
		}
	case errors.As(err, &missing):
		s.status, s.err = 255, errors.New("the remote shell ended without an exit status (was the connection lost?)")
	default:
		s.status, s.err = 255, fmt.Errorf("remote shell: %w", err)
	}
	if mergedW != nil {
		mergedW.Close()
	}
	close(s.done)
}

// PTY reports whether the remote program has a PTY.
func (s *Shell) PTY() bool { return s.pty }

// Resize tells the remote PTY its new size (a window-change request).
// Without a PTY it does nothing.
func (s *Shell) Resize(cols, rows int) error {
	if !s.pty {
		return nil
	}
	if err := s.sess.WindowChange(rows, cols); err != nil {
		return fmt.Errorf("resize remote terminal to %dx%d: %w", cols, rows, err)
	}
	return nil
}

// Signal sends a signal to the remote program (servers often ignore it).
func (s *Shell) Signal(sig ssh.Signal) error { return s.sess.Signal(sig) }

// Done is closed when the remote program has ended.
func (s *Shell) Done() <-chan struct{} { return s.done }

// Wait blocks until the remote program ends and returns its exit status,
// as ssh would exit: the program's status; 128+N when it was killed by
// signal N (ExitSignal names it), 255 for a signal whose number is not
// known (as ssh); 255 with a non-nil error when the
// session ended without a status (the connection was lost or closed).
func (s *Shell) Wait() (exitStatus int, err error) {
	<-s.done
	return s.status, s.err
}

// ExitSignal returns the name of the signal that killed the remote program
// ("TERM", "KILL"…), or "" — valid after Wait returns.
func (s *Shell) ExitSignal() string {
	select {
	case <-s.done:
		return s.signal
	default:
		return ""
	}
}

// Close closes the session channel (the server hangs the shell up) and
// unblocks readers. It is idempotent and does not wait.
func (s *Shell) Close() error {
	s.closeOnce.Do(func() {
		s.sess.Close()
		if s.merged != nil {
			s.merged.CloseWithError(io.EOF)
		}
	})
	return nil
}

// wantPTY applies RequestTTY as ssh does; sshdash always has a terminal,
// so yes behaves as force.
func wantPTY(requestTTY, command string) bool {
	switch strings.ToLower(strings.TrimSpace(requestTTY)) {
	case "no", "false":
		return false
	case "yes", "true", "force":
		return true
	}
	return command == ""
}

// forwardAgent sets up agent forwarding when opts asks for it: channels
// the server opens are connected to the local agent socket (one
// connection per channel). The handler is registered once per client.
func forwardAgent(client *ssh.Client, sess *ssh.Session, opts ShellOptions) error {
	v := strings.TrimSpace(opts.ForwardAgent)
	switch strings.ToLower(v) {
	case "", "no", "false":
		return nil
	case "yes", "true":
		v = ""
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	home := opts.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	sock := agentSocketPath(v, getenv, pathExpander{home: home, localUser: localUserName()})
	if sock == "" {
		return errors.New("no agent socket (SSH_AUTH_SOCK is not set)")
	}
	if err := agent.ForwardToRemote(client, sock); err != nil && !strings.Contains(err.Error(), "already have handler") {
		return fmt.Errorf("agent at %s: %w", sock, err)
	}
	if err := agent.RequestAgentForwarding(sess); err != nil {
		return fmt.Errorf("the server refused: %w", err)
	}
	return nil
}

// smallDiscard drops what is written to it; as an io.ReaderFrom (which
// io.Copy prefers) it reads with a buffer of its own of discardBuf bytes
// (on the heap: the reader is an interface), so a copy that waits for a
// stream which stays empty holds no more than that.
type smallDiscard struct{}

// discardBuf is smallDiscard's read size. A PTY session's stderr stays
// empty (OpenSSH sends none), and each session's copy waits on it for its
// whole life; a server that does send some is read in small steps.
const discardBuf = 64

func (smallDiscard) Write(p []byte) (int, error) { return len(p), nil }

// ReadFrom reads r to its end and drops it.
func (smallDiscard) ReadFrom(r io.Reader) (int64, error) {
	var buf [discardBuf]byte
	var n int64
	for {
		k, err := r.Read(buf[:])
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
