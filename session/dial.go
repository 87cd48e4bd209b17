package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// DialOptions configure Dial.
type DialOptions struct {
	// Target is the host to connect to, resolved from ssh_config.
	Target Target

	// ResolveHop resolves the host part of one ProxyJump hop through
	// ssh_config (as ssh resolves each hop as a host of its own). Dial
	// applies the hop's user@ and :port on top of the result. nil: hops get
	// DefaultTarget's settings.
	ResolveHop func(host string) (Target, error)

	// Dialer makes TCP connections (keepalive.Dialer sets kernel keepalive
	// and TCP_USER_TIMEOUT). Dial copies it and sets Timeout per attempt.
	// nil: a plain net.Dialer honouring Target.TCPKeepAlive.
	Dialer *net.Dialer

	// DialTCP, if set, replaces TCP dialling (tests, the demo's simulated
	// links): it is called with "tcp" and the unresolved host:port, under a
	// context bounded by the connect timeout. Dialer is then unused.
	DialTCP func(ctx context.Context, network, addr string) (net.Conn, error)

	// Fast asks for one cheap TCP attempt (a reconnect during an outage):
	// ConnectionAttempts is ignored and each TCP connect is bounded by
	// FastConnectTimeout (or ConnectTimeout if shorter), so the caller can
	// probe again soon. The handshake keeps its full timeout.
	Fast bool

	// WrapConn, if set, wraps the transport to the target (not to jump
	// hosts) before the SSH handshake; the heartbeat engine counts received
	// bytes this way.
	WrapConn func(net.Conn) net.Conn

	// OnStage is told each connection stage as the target's connection
	// reaches it: StageTCP (also while jump hosts connect), StageHandshake,
	// StageHostKey, StageAuth. May be nil.
	OnStage func(Stage)

	// Ask asks the user a Prompt (host key, passphrase, password,
	// keyboard-interactive) and returns the answers. nil (or
	// Target.BatchMode) means never ask: what would need an answer is
	// refused. The handshake's timeout is suspended while Ask runs.
	Ask func(ctx context.Context, p *Prompt) ([]string, error)

	// Banner, if set, is given the server's pre-authentication banner of
	// the target (made safe by VisBanner) as it arrives, to print it as ssh
	// does. nil: the banner goes with the next prompt of the handshake
	// (Prompt.Banner) and to Log.
	Banner func(string)

	// Secrets keeps decrypted keys and passwords in memory so reconnects
	// of the same session do not ask again. nil: nothing is kept.
	Secrets *Secrets

	// Log receives one complete sentence per notable event (a key that
	// could not be read, a host key added). Secrets are never logged.
	Log func(string)

	// Getenv reads the local environment (SSH_AUTH_SOCK). nil: os.Getenv.
	Getenv func(string) string

	// Home is the local home directory for ~ and %d. "": os.UserHomeDir.
	Home string
}

// FastConnectTimeout bounds each TCP connect of a Fast dial.
const FastConnectTimeout = 2 * time.Second

// maxJumpDepth bounds nested ProxyJump resolution (a hop whose own config
// has a ProxyJump), so a loop in ssh_config fails instead of recursing.
const maxJumpDepth = 8

// dialer carries one Dial call's options and local environment.
type dialer struct {
	opts      DialOptions
	getenv    func(string) string
	home      string
	localUser string
	log       func(string)
}

// Dial connects to opts.Target: through its ProxyJump hops or
// ProxyCommand, or directly over TCP (every resolved address in turn,
// ConnectionAttempts times, one second apart), then runs the SSH handshake,
// verifies the host key and authenticates, all within ConnectTimeout
// (suspended while the user is asked something).
//
// Errors name the host, the route and what failed, e.g. "connect web1 via
// bastion: dial 10.0.0.5:22: connection refused"; IsPermanent tells the
// ones a retry cannot fix. Closing the returned Conn closes the jump hosts
// and proxy command too.
func Dial(ctx context.Context, opts DialOptions) (*Conn, error) {
	d := &dialer{opts: opts, getenv: opts.Getenv, home: opts.Home, log: opts.Log, localUser: localUserName()}
	if d.getenv == nil {
		d.getenv = os.Getenv
	}
	if d.home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			d.home = h
		}
	}
	if d.log == nil {
		d.log = func(string) {}
	}
	return d.dial(ctx, opts.Target, true, 0)
}

// expander returns the path expander for t.
func (d *dialer) expander(t Target) pathExpander {
	return pathExpander{home: d.home, localUser: d.localUser, t: t}
}

// stage reports a stage of the final target's connection.
func (d *dialer) stage(final bool, s Stage) {
	if final && d.opts.OnStage != nil {
		d.opts.OnStage(s)
	}
}

// dial connects to t, through its own ProxyJump or ProxyCommand. final is
// true for the target itself (stages, WrapConn); depth counts nested jump
// hosts.
func (d *dialer) dial(ctx context.Context, t Target, final bool, depth int) (*Conn, error) {
	if t.User == "" {
		t.User = d.localUser
	}
	if t.hostName() == "" {
		return nil, &DialError{Host: "(no host)", Err: &ConfigError{Setting: "HostName", Value: "", Err: errors.New("no host name to connect to")}}
	}
	d.stage(final, StageTCP)
	c := &Conn{target: t}
	fail := func(err error) (*Conn, error) {
		c.closeParts()
		if _, ok := err.(*DialError); !ok || len(c.via) > 0 {
			err = &DialError{Host: t.name(), Via: c.via, Err: err}
		}
		return nil, err
	}
	var transport net.Conn
	var err error
	switch {
	case !isNone(t.ProxyJump):
		if !isNone(t.ProxyCommand) {
			d.log(fmt.Sprintf("%s: both ProxyJump and ProxyCommand are set; using ProxyJump", t.name()))
		}
		transport, err = d.viaJumps(ctx, c, t, depth)
	case !isNone(t.ProxyCommand):
		c.via = []string{"proxy command"}
		cmd := d.expander(t).expandTokens(t.ProxyCommand)
		var pc *proxyConn
		pc, err = startProxyCommand(cmd)
		if err == nil {
			c.proxy = pc
			transport = pc
		}
	default:
		transport, err = d.dialTCP(ctx, t)
	}
	if err != nil {
		return fail(err)
	}
	client, err := d.handshake(ctx, transport, t, final, c.proxy)
	if err != nil {
		return fail(err)
	}
	c.client = client
	c.start()
	return c, nil
}

// viaJumps connects through t's ProxyJump hops and returns the channel to
// t. The first hop is dialled as a host of its own (its own ProxyJump or
// ProxyCommand apply, as ssh does); each later hop is reached through the
// previous one, so its own ProxyJump/ProxyCommand do not apply (as ssh -J).
func (d *dialer) viaJumps(ctx context.Context, c *Conn, t Target, depth int) (net.Conn, error) {
	hops, err := parseJumpHops(t.ProxyJump)
	if err != nil {
		return nil, &ConfigError{Setting: "ProxyJump", Value: t.ProxyJump, Err: err}
	}
	if depth >= maxJumpDepth {
		return nil, &ConfigError{Setting: "ProxyJump", Value: t.ProxyJump, Err: fmt.Errorf("more than %d nested jump hosts (a ProxyJump loop?)", maxJumpDepth)}
	}
	targets := make([]Target, len(hops))
	for i, h := range hops {
		c.via = append(c.via, h.Host)
		if targets[i], err = d.hopTarget(h); err != nil {
			return nil, err
		}
	}
	first, err := d.dial(ctx, targets[0], false, depth+1)
	if err != nil {
		return nil, err
	}
	c.parent = first
	client := first.client
	prevName := targets[0].name()
	for _, ht := range targets[1:] {
		hc, err := d.dialThrough(ctx, client, prevName, ht)
		if err != nil {
			return nil, err
		}
		if ht.User == "" {
			ht.User = d.localUser
		}
		hop, err := d.handshake(ctx, hc, ht, false, nil)
		if err != nil {
			return nil, fmt.Errorf("jump host %s: %w", ht.name(), err)
		}
		c.hops = append(c.hops, hop)
		client, prevName = hop, ht.name()
	}
	return d.dialThrough(ctx, client, prevName, t)
}

// hopTarget resolves one jump hop.
func (d *dialer) hopTarget(h jumpHop) (Target, error) {
	var t Target
	if d.opts.ResolveHop != nil {
		var err error
		if t, err = d.opts.ResolveHop(h.Host); err != nil {
			return t, &ConfigError{Setting: "ProxyJump", Value: h.String(), Err: fmt.Errorf("resolving jump host: %w", err)}
		}
	} else {
		t = DefaultTarget(h.Host)
	}
	if t.Alias == "" {
		t.Alias = h.Host
	}
	if t.HostName == "" {
		t.HostName = h.Host
	}
	if h.User != "" {
		t.User = h.User
	}
	if h.Port != 0 {
		t.Port = h.Port
	}
	return t, nil
}

// dialThrough opens a direct-tcpip channel to t through client.
func (d *dialer) dialThrough(ctx context.Context, client *ssh.Client, via string, t Target) (net.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, t.connectTimeout())
	defer cancel()
	c, err := client.DialContext(dctx, "tcp", t.addr())
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = &TimeoutError{Op: "open channel", After: t.connectTimeout()}
		}
		return nil, fmt.Errorf("jump host %s could not connect to %s: %w", via, t.addr(), err)
	}
	return c, nil
}

// prompter asks the user on behalf of one handshake, suspending the
// handshake's timeout while the question is open.
type prompter struct {
	ctx    context.Context
	askFn  func(ctx context.Context, p *Prompt) ([]string, error)
	batch  bool
	pause  func()
	resume func()
	// banner is a pre-auth banner not shown yet: it goes with the next
	// prompt. Written and read on the handshake's goroutine only.
	banner string
}

// can reports whether questions may be asked at all.
func (p *prompter) can() bool { return p != nil && p.askFn != nil && !p.batch }

// ask asks one question; it fails when asking is not possible.
func (p *prompter) ask(pr *Prompt) ([]string, error) {
	if !p.can() {
		return nil, errors.New("cannot ask the user")
	}
	if p.pause != nil {
		p.pause()
	}
	if p.resume != nil {
		defer p.resume()
	}
	if p.banner != "" {
		pr.Banner, p.banner = p.banner, ""
	}
	return p.askFn(p.ctx, pr)
}

// joinHostErrors formats several per-address failures into one message,
// keeping the last error in the chain.
func joinHostErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return &multiAddrError{msg: strings.Join(msgs, "; "), last: errs[len(errs)-1]}
}

// multiAddrError is the failure of every address of a host.
type multiAddrError struct {
	msg  string
	last error
}

func (e *multiAddrError) Error() string { return e.msg }
func (e *multiAddrError) Unwrap() error { return e.last }
