package sshtest

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
)

// sessionState is what a session channel's requests have set up so far.
type sessionState struct {
	env  []string
	term string
	pty  bool
	cols uint32
	rows uint32

	mu   sync.Mutex  // guards ptmx, proc
	ptmx *os.File    // the PTY master once the program runs under a PTY
	proc *os.Process // the program (its process group leader) until it has been waited for
}

// reaped forgets the program once waited for: its process group id may
// be reused, so it must not be signalled any more.
func (st *sessionState) reaped() {
	st.mu.Lock()
	st.proc = nil
	st.mu.Unlock()
}

// session serves one session channel: env, pty-req, window-change,
// signal, then shell or exec, running the program until it exits or the
// channel closes.
func (s *Server) session(sc *ssh.ServerConn, nc ssh.NewChannel) {
	defer s.wg.Done()
	ch, reqs, err := nc.Accept()
	if err != nil {
		return
	}
	defer ch.Close()
	st := &sessionState{}
	var exited chan struct{}
	var replied chan struct{} // closed once the exec/shell request is answered
	for req := range reqs {
		ok := false
		switch req.Type {
		case "env":
			var kv struct{ Name, Value string }
			if ssh.Unmarshal(req.Payload, &kv) == nil {
				st.env = append(st.env, kv.Name+"="+kv.Value)
				ok = true
			}
		case "pty-req":
			var p struct {
				Term          string
				Cols, Rows    uint32
				Width, Height uint32
				Modes         string
			}
			if ssh.Unmarshal(req.Payload, &p) == nil && exited == nil {
				st.pty, st.term, st.cols, st.rows = true, p.Term, p.Cols, p.Rows
				ok = true
			}
		case "window-change":
			var w struct{ Cols, Rows, Width, Height uint32 }
			if ssh.Unmarshal(req.Payload, &w) == nil && st.pty {
				st.resize(w.Cols, w.Rows)
				ok = true
			}
		case "signal":
			var sig struct{ Name string }
			if ssh.Unmarshal(req.Payload, &sig) == nil {
				st.signal(sig.Name)
				ok = true
			}
		case "auth-agent-req@openssh.com":
			ok = true
		case "shell", "exec":
			var cmd struct{ Command string }
			if req.Type == "exec" {
				if ssh.Unmarshal(req.Payload, &cmd) != nil {
					break
				}
				s.recordExec(cmd.Command)
			}
			if exited != nil || (req.Type == "exec" && s.opts.RefuseExec) {
				break
			}
			replied = make(chan struct{})
			e, err := s.run(sc, ch, st, cmd.Command, replied)
			if err != nil {
				s.logf("sshtest: start %q: %v", cmd.Command, err)
				break
			}
			exited, ok = e, true
		}
		if req.WantReply {
			_ = req.Reply(ok, nil)
		}
		if replied != nil {
			close(replied)
			replied = nil
		}
	}
	// The channel is closed: hang the program up, as sshd does.
	st.hangup()
	if exited != nil {
		<-exited
	}
}

// resize sets the PTY size, now or when the program starts.
func (st *sessionState) resize(cols, rows uint32) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.cols, st.rows = cols, rows
	if st.ptmx != nil {
		_ = pty.Setsize(st.ptmx, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	}
}

// signal delivers a signal by name ("TERM") to the program's group.
func (st *sessionState) signal(name string) {
	sig, ok := signalByName(name)
	st.mu.Lock()
	defer st.mu.Unlock()
	if ok && st.proc != nil {
		_ = syscall.Kill(-st.proc.Pid, sig)
	}
}

// hangupGrace is how long a hung-up program has before its group is
// killed: a program that ignores SIGHUP (a test run under nohup makes every
// child ignore it) must not keep the server's Close waiting.
const hangupGrace = 2 * time.Second

// hangup ends the program's process group: SIGHUP, then SIGKILL after
// hangupGrace if the program has not been reaped by then.
func (st *sessionState) hangup() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.proc == nil {
		return
	}
	_ = syscall.Kill(-st.proc.Pid, syscall.SIGHUP)
	_ = syscall.Kill(-st.proc.Pid, syscall.SIGCONT)
	proc := st.proc
	time.AfterFunc(hangupGrace, func() {
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.proc == proc { // not reaped: its group id is still its own
			_ = syscall.Kill(-proc.Pid, syscall.SIGKILL)
		}
	})
}

// run starts the program; the returned channel closes once it has exited,
// its exit status was sent and the channel was closed.
// The program's exit is reported only after replied is closed: sshd answers
// the exec or shell request before it reports anything of the program, so
// a program that ends at once never closes the channel before the reply.
func (s *Server) run(sc *ssh.ServerConn, ch ssh.Channel, st *sessionState, command string, replied <-chan struct{}) (chan struct{}, error) {
	shell := s.opts.Shell
	if shell == "" {
		shell = "/bin/sh"
	}
	var cmd *exec.Cmd
	if command == "" {
		// A login shell, as sshd starts it: argv[0] is "-" and its name.
		cmd = exec.Command(shell)
		cmd.Args[0] = "-" + filepath.Base(shell)
	} else {
		cmd = exec.Command(shell, "-c", command)
	}
	dir := s.opts.Dir
	if dir == "" {
		dir = os.TempDir()
	}
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + dir, "USER=" + sc.User(), "LOGNAME=" + sc.User(), "SHELL=" + shell,
	}, s.opts.Env...)
	cmd.Env = append(cmd.Env, st.env...)
	exited := make(chan struct{})
	if st.pty {
		cmd.Env = append(cmd.Env, "TERM="+st.term)
		st.mu.Lock()
		ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(st.cols), Rows: uint16(st.rows)})
		if err == nil {
			st.ptmx, st.proc = ptmx, cmd.Process
		}
		st.mu.Unlock()
		if err != nil {
			return nil, err
		}
		s.wg.Add(2)
		go func() { // input
			defer s.wg.Done()
			_, _ = io.Copy(ptmx, ch)
		}()
		go func() {
			defer s.wg.Done()
			outDone := make(chan struct{})
			go func() {
				_, _ = io.Copy(ch, ptmx) // until the PTY's last writer is gone (EIO)
				close(outDone)
			}()
			err := cmd.Wait()
			st.reaped()
			select {
			case <-outDone:
			case <-time.After(2 * time.Second):
				// A background job of the group keeps the PTY open (so
				// the group, and its id, still exist): end it.
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
			ptmx.Close()
			<-outDone
			<-replied
			sendExit(ch, err)
			ch.Close()
			close(exited)
		}()
		return exited, nil
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = ch, ch.Stderr()
	cmd.WaitDelay = 2 * time.Second
	st.mu.Lock()
	err = cmd.Start()
	if err == nil {
		st.proc = cmd.Process
	}
	st.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		_, _ = io.Copy(stdin, ch)
		stdin.Close()
	}()
	go func() {
		defer s.wg.Done()
		err := cmd.Wait()
		st.reaped()
		<-replied
		sendExit(ch, err)
		_ = ch.CloseWrite()
		ch.Close()
		close(exited)
	}()
	return exited, nil
}

// sendExit reports how the program ended: exit-status, or exit-signal
// for a program killed by a signal (as sshd).
func sendExit(ch ssh.Channel, waitErr error) {
	var ee *exec.ExitError
	if errors.As(waitErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			name := signalName(ws.Signal())
			_, _ = ch.SendRequest("exit-signal", false, ssh.Marshal(struct {
				Signal     string
				CoreDumped bool
				Error      string
				Lang       string
			}{name, ws.CoreDump(), "", ""}))
			return
		}
	}
	status := 0
	if ee != nil {
		status = ee.ExitCode()
	} else if waitErr != nil {
		status = 255
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(status))
	_, _ = ch.SendRequest("exit-status", false, b[:])
}

// signalByName maps an SSH signal name ("TERM") to a signal.
func signalByName(name string) (syscall.Signal, bool) {
	for _, sig := range signalList() {
		if sig.name == name {
			return sig.sig, true
		}
	}
	return 0, false
}

// signalName returns the SSH name of sig ("TERM").
func signalName(sig syscall.Signal) string {
	for _, s := range signalList() {
		if s.sig == sig {
			return s.name
		}
	}
	return "UNKNOWN"
}

type namedSignal struct {
	name string
	sig  syscall.Signal
}

// signalList lists the signals RFC 4254 names.
func signalList() []namedSignal {
	return []namedSignal{
		{"ABRT", syscall.SIGABRT}, {"ALRM", syscall.SIGALRM}, {"FPE", syscall.SIGFPE}, {"HUP", syscall.SIGHUP},
		{"ILL", syscall.SIGILL}, {"INT", syscall.SIGINT}, {"KILL", syscall.SIGKILL}, {"PIPE", syscall.SIGPIPE},
		{"QUIT", syscall.SIGQUIT}, {"SEGV", syscall.SIGSEGV}, {"TERM", syscall.SIGTERM},
		{"USR1", syscall.SIGUSR1}, {"USR2", syscall.SIGUSR2},
	}
}
