package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
)

// Options tune the demo's faults (tests shorten them).
type Options struct {
	SlowDelay    time.Duration // added to every round trip of demo-slow (default 150 ms)
	FlakyUp      time.Duration // how long demo-flaky's link stays up (default 25 s)
	FlakySilent  time.Duration // how long it then goes silent (default 8 s)
	Dir          string        // where to put the demo's files; "" means a new temporary directory
	HeartbeatSec int           // ServerAliveInterval for demo-flaky (default 2)
}

// Host describes one demo host.
type Host struct {
	Alias string
	About string // one line for the user
}

// Demo is a running demo.
type Demo struct {
	Dir        string // the demo's files: ssh_config, keys, known_hosts, homes
	ConfigPath string // ssh_config for the demo hosts (use as sshdash -F)
	Settings   string // a settings file path inside Dir, so nothing of the user's is written
	Hosts      []Host

	cancel  context.CancelFunc
	servers []*sshtest.Server
	tmuxDir string
	ownDir  bool
	done    chan struct{}
}

// Start starts the demo servers and writes their configuration.
func Start(ctx context.Context, o Options) (d *Demo, err error) {
	if o.SlowDelay == 0 {
		o.SlowDelay = 150 * time.Millisecond
	}
	if o.FlakyUp == 0 {
		o.FlakyUp = 25 * time.Second
	}
	if o.FlakySilent == 0 {
		o.FlakySilent = 8 * time.Second
	}
	if o.HeartbeatSec == 0 {
		o.HeartbeatSec = 2
	}
	d = &Demo{Dir: o.Dir, done: make(chan struct{})}
	if d.Dir == "" {
		if d.Dir, err = os.MkdirTemp("", "sshdash-demo-"); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		d.ownDir = true
	}
	ctx, d.cancel = context.WithCancel(ctx)
	defer func() {
		if err != nil {
			d.Close()
		}
	}()

	hostKey, err := sshtest.NewSigner()
	if err != nil {
		return nil, fmt.Errorf("demo: host key: %w", err)
	}
	keyPath := filepath.Join(d.Dir, "id_ed25519")
	clientPub, err := writeClientKey(keyPath)
	if err != nil {
		return nil, err
	}
	d.tmuxDir = filepath.Join(d.Dir, "tmux")
	if err := os.MkdirAll(d.tmuxDir, 0o700); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("demo: local user: %w", err)
	}
	flaky := newFlakyLink(o.FlakyUp, o.FlakySilent)
	go func() { defer close(d.done); flaky.run(ctx) }()

	specs := []struct {
		alias, about string
		wrap         func(net.Conn) net.Conn
		extra        string
	}{
		// A 5 s heartbeat: the demo opens its sessions at start, and
		// their rows show an RTT and a sparkline within seconds.
		{"demo-healthy", "a healthy link", nil, "  ServerAliveInterval 5\n"},
		{"demo-slow", fmt.Sprintf("a slow link: +%s on every round trip", o.SlowDelay), func(c net.Conn) net.Conn { return slowConn{c, o.SlowDelay} }, "  ServerAliveInterval 5\n"},
		{"demo-flaky", fmt.Sprintf("a link that goes silent for %s every %s", o.FlakySilent, o.FlakyUp+o.FlakySilent), flaky.wrap,
			fmt.Sprintf("  ServerAliveInterval %d\n  ServerAliveCountMax 2\n", o.HeartbeatSec)},
	}
	var cfg, known strings.Builder
	fmt.Fprintf(&cfg, "# sshdash demo: these hosts are in-process SSH servers on this machine.\n# Their shells run locally, each in its own directory under %s.\n\n", d.Dir)
	for _, sp := range specs {
		home := filepath.Join(d.Dir, sp.alias)
		if err := writeHome(home, sp.alias, sp.about); err != nil {
			return nil, err
		}
		// Each host has a tmux server of its own, as separate machines
		// would: a session created in a shared server would get the
		// environment (ENV, so the banner and prompt) of the host whose
		// session started that server.
		tmuxDir := filepath.Join(d.tmuxDir, sp.alias)
		if err := os.MkdirAll(tmuxDir, 0o700); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		srv, err := sshtest.Start(ctx, sshtest.Options{
			HostSigner:     hostKey,
			User:           u.Username,
			AuthorizedKeys: []ssh.PublicKey{clientPub},
			Shell:          "/bin/sh",
			Dir:            home,
			Env:            []string{"SHELL=/bin/sh", "TMUX_TMPDIR=" + tmuxDir, "ENV=" + filepath.Join(home, ".shrc")},
			WrapConn:       sp.wrap,
			GlobalRequest:  answerKeepalive,
		})
		if err != nil {
			return nil, fmt.Errorf("demo: start %s: %w", sp.alias, err)
		}
		d.servers = append(d.servers, srv)
		d.Hosts = append(d.Hosts, Host{Alias: sp.alias, About: sp.about})
		fmt.Fprintf(&cfg, "# %s: %s\nHost %s\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n%s\n",
			sp.alias, sp.about, sp.alias, srv.Port(), u.Username, keyPath, filepath.Join(d.Dir, "known_hosts"), sp.extra)
		fmt.Fprintf(&known, "[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(hostKey.PublicKey()))
	}
	d.ConfigPath = filepath.Join(d.Dir, "ssh_config")
	d.Settings = filepath.Join(d.Dir, "settings.toml")
	if err := os.WriteFile(d.ConfigPath, []byte(cfg.String()), 0o600); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := os.WriteFile(filepath.Join(d.Dir, "known_hosts"), []byte(known.String()), 0o600); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return d, nil
}

// answerKeepalive replies to heartbeats as OpenSSH does (failure is a
// reply too; success is friendlier to read in captures).
func answerKeepalive(req *ssh.Request) bool {
	if req.Type == "keepalive@openssh.com" && req.WantReply {
		_ = req.Reply(false, nil)
		return true
	}
	return false
}

func writeClientKey(path string) (ssh.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("demo: client key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "sshdash demo")
	if err != nil {
		return nil, fmt.Errorf("demo: client key: %w", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return sp, os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(sp), 0o600)
}

// writeHome prepares a demo host's home directory: a profile that says
// plainly where the shell runs, and a prompt with the host's name.
func writeHome(home, alias, about string) error {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	profile := fmt.Sprintf(`printf '\n  sshdash demo — %s (%s)\n  This shell runs on this machine, in %s: it is local, not remote.\n  Try: ctrl+^ d to detach, ctrl+^ ? for keys. Leave it idle and watch the dashboard.\n\n'
PS1='%s$ '
export PS1
`, alias, about, home, alias)
	if err := os.WriteFile(filepath.Join(home, ".profile"), []byte(profile), 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return os.WriteFile(filepath.Join(home, ".shrc"), []byte(fmt.Sprintf("PS1='%s$ '\n", alias)), 0o600)
}

// Close stops the servers, the flaky link, the demo's private tmux server
// (and so every shell in it), and removes the demo's files.
func (d *Demo) Close() error {
	if d.cancel != nil {
		d.cancel()
	}
	var errs []error
	for _, s := range d.servers {
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if d.cancel != nil {
		<-d.done
	}
	if d.tmuxDir != "" {
		// The wrapper's tmux socket lives under TMUX_TMPDIR: kill that
		// server only, never the user's own tmux.
		sockets, _ := filepath.Glob(filepath.Join(d.tmuxDir, "*", "tmux-*", "*"))
		for _, sock := range sockets {
			_ = exec.Command("tmux", "-S", sock, "kill-server").Run()
		}
	}
	if d.ownDir {
		if err := os.RemoveAll(d.Dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
