package session

// Shells on a real OpenSSH sshd (SSHDASH_INTEGRATION=1).

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"testing"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"golang.org/x/crypto/ssh"
)

func TestSSHDShellPTYResizeExit(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	c := dialT(t, DialOptions{Target: f.target()})
	sh := startShellT(t, c, ShellOptions{Term: "xterm-256color", Cols: 91, Rows: 27, SetEnv: []string{"SSHDASH_HELLO=world"}})
	out := watchOutput(sh.Stdout)
	io.WriteString(sh.Stdin, "stty size; echo \"T=$TERM H=$SSHDASH_HELLO\"\n")
	out.waitFor(t, "27 91")
	out.waitFor(t, "T=xterm-256color H=world")
	if err := sh.Resize(132, 43); err != nil {
		t.Fatal(err)
	}
	io.WriteString(sh.Stdin, "stty size\n")
	out.waitFor(t, "43 132")
	io.WriteString(sh.Stdin, "exit 7\n")
	if status, err := waitShell(t, sh); status != 7 || err != nil {
		t.Errorf("status %d, err %v", status, err)
	}
	out.waitEOF(t)

	// A command's status, and a signal's.
	sh = startShellT(t, c, ShellOptions{Command: "exit 42"})
	watchOutput(sh.Stdout).waitEOF(t)
	if status, _ := waitShell(t, sh); status != 42 {
		t.Errorf("exit 42: status %d", status)
	}
	sh = startShellT(t, c, ShellOptions{Command: "kill -KILL $$"})
	watchOutput(sh.Stdout).waitEOF(t)
	if status, _ := waitShell(t, sh); status != 128+9 || sh.ExitSignal() != "KILL" {
		t.Errorf("killed: status %d signal %q", status, sh.ExitSignal())
	}
}

func TestSSHDAgentForwarding(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sock := serveKeyring(t, f.dir, priv)
	signer, _ := ssh.NewSignerFromKey(priv)
	c := dialT(t, DialOptions{Target: f.target()})
	// Twice on one connection: the forwarding handler is registered once.
	for i := 0; i < 2; i++ {
		sh := startShellT(t, c, ShellOptions{Command: "ssh-add -l", ForwardAgent: sock})
		got := watchOutput(sh.Stdout).waitEOF(t)
		mustContain(t, got, ssh.FingerprintSHA256(signer.PublicKey()), "test agent key")
		if status, _ := waitShell(t, sh); status != 0 {
			t.Errorf("ssh-add -l status %d: %s", status, got)
		}
	}
}
