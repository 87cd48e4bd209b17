package session

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proxyConn is a ProxyCommand's standard input and output used as the
// transport, as ssh does: the command runs as `/bin/sh -c "exec COMMAND"`
// in a process group of its own; its standard error is kept (the last few
// KB) to explain failures. Closing the conn hangs the group up, kills it if
// it lingers, and waits for it.
type proxyConn struct {
	command string
	cmd     *exec.Cmd
	r       *os.File // the command's stdout, read end
	w       *os.File // the command's stdin, write end
	stderr  *tailBuffer
	exited  chan struct{} // closed when the command has exited and been waited for
	waitErr error         // cmd.Wait's result; read only after exited is closed

	closeOnce sync.Once
}

// startProxyCommand starts command (tokens already expanded).
func startProxyCommand(command string) (*proxyConn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, &ProxyCommandError{Command: command, Status: -1, Err: err}
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, &ProxyCommandError{Command: command, Status: -1, Err: err}
	}
	p := &proxyConn{command: command, r: outR, w: inW, stderr: &tailBuffer{max: 4096}, exited: make(chan struct{})}
	p.cmd = exec.Command("/bin/sh", "-c", "exec "+command)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = inR, outW, p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd.WaitDelay = time.Second // a grandchild holding stderr open must not block Wait forever
	err = p.cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return nil, &ProxyCommandError{Command: command, Status: -1, Err: err}
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Read reads what the command wrote to its standard output.
func (p *proxyConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// Write writes to the command's standard input.
func (p *proxyConn) Write(b []byte) (int, error) { return p.w.Write(b) }

// Close closes both pipes and, if the command is still running, ends its
// process group (children included): SIGHUP (as ssh), then SIGKILL after a
// second. The group is only signalled while its leader has not been
// reaped, so its id cannot have been reused. It waits for the command.
func (p *proxyConn) Close() error {
	p.closeOnce.Do(func() {
		p.w.Close()
		p.r.Close()
		pgid := p.cmd.Process.Pid
		select {
		case <-p.exited:
		default:
			_ = syscall.Kill(-pgid, syscall.SIGHUP)
			select {
			case <-p.exited:
			case <-time.After(time.Second):
				_ = syscall.Kill(-pgid, syscall.SIGKILL)
				<-p.exited
			}
		}
	})
	return nil
}

// exitError waits up to wait for the command to exit and describes its
// exit; nil if it is still running.
func (p *proxyConn) exitError(wait time.Duration) *ProxyCommandError {
	if wait > 0 {
		select {
		case <-p.exited:
		case <-time.After(wait):
		}
	}
	select {
	case <-p.exited:
	default:
		return nil
	}
	e := &ProxyCommandError{Command: p.command, Status: -1, Stderr: p.stderr.String()}
	var ee *exec.ExitError
	switch {
	case p.waitErr == nil:
		e.Status = 0
	case errors.As(p.waitErr, &ee):
		e.Status = ee.ExitCode()
	default:
		e.Err = p.waitErr
	}
	return e
}

// LocalAddr returns a placeholder address naming the command.
func (p *proxyConn) LocalAddr() net.Addr { return proxyAddr(p.command) }

// RemoteAddr returns a placeholder address naming the command.
func (p *proxyConn) RemoteAddr() net.Addr { return proxyAddr(p.command) }

// SetDeadline sets read and write deadlines on the pipes.
func (p *proxyConn) SetDeadline(t time.Time) error {
	if err := p.r.SetReadDeadline(t); err != nil {
		return err
	}
	return p.w.SetWriteDeadline(t)
}

// SetReadDeadline sets the read deadline.
func (p *proxyConn) SetReadDeadline(t time.Time) error { return p.r.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (p *proxyConn) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }

// proxyAddr is the net.Addr of a proxy command transport.
type proxyAddr string

func (a proxyAddr) Network() string { return "proxy-command" }
func (a proxyAddr) String() string  { return "proxy command " + string(a) }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int

	mu  sync.Mutex // guards buf
	buf []byte
}

// Write appends b, dropping the oldest bytes beyond max.
func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// String returns the kept bytes, cleaned of control characters.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(sanitize(string(t.buf)))
}
