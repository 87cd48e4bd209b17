package session

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/config/settings"
	"github.com/sshdash/sshdash/keepalive"
)

// Opener turns destinations into session Options: it resolves them through
// ssh_config, applies sshdash's settings (heartbeat, reattach) and builds
// the dial function. The CLI, the dashboard, the demo and the lab tests
// all open sessions through it.
type Opener struct {
	Config   *config.Config
	Settings *settings.File // nil: built-in defaults
	Getenv   func(string) string
	Logger   *slog.Logger
	// DialTCP, when set, replaces TCP dialling (tests, the demo's links).
	DialTCP func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Plan is one destination resolved for opening.
type Plan struct {
	Alias     string // the destination as the user wrote it
	Resolved  *config.Resolved
	Target    Target
	Heartbeat settings.Effective
	Reattach  ReattachMode
}

func (o *Opener) settings() *settings.File {
	if o.Settings == nil {
		return settings.Empty()
	}
	return o.Settings
}

// logger is the Opener's logger, or one that discards.
func (o *Opener) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o *Opener) getenv(k string) string {
	if o.Getenv == nil {
		return os.Getenv(k)
	}
	return o.Getenv(k)
}

// Plan resolves a destination ("alias" or "[user@]host[:port]").
func (o *Opener) Plan(dest string) (*Plan, error) {
	user, host, port, err := config.ParseDestination(dest)
	if err != nil {
		return nil, &ConfigError{Setting: "destination", Value: dest, Err: err}
	}
	r, err := o.Config.Resolve(host, config.ResolveOptions{RunExec: true, User: user, Port: port})
	if err != nil {
		return nil, &ConfigError{Setting: "Host", Value: dest, Err: err}
	}
	mode, err := ParseReattachMode(o.settings().Reattach(host).Value)
	if err != nil {
		mode = ReattachAuto
	}
	return &Plan{Alias: dest, Resolved: r, Target: TargetFromResolved(r), Heartbeat: o.HeartbeatFor(host, r), Reattach: mode}, nil
}

// HeartbeatFor applies the heartbeat precedence for a host: the settings
// file's host entry → ServerAliveInterval/CountMax set in ssh_config →
// the settings file's default → built-in.
func (o *Opener) HeartbeatFor(alias string, r *config.Resolved) settings.Effective {
	iv, ivSet := r.ServerAliveInterval()
	cnt, cntSet := r.ServerAliveCountMax()
	return o.settings().Heartbeat(alias, iv, ivSet, cnt, cntSet)
}

// resolveHop resolves a ProxyJump hop as a host of its own.
func (o *Opener) resolveHop(host string) (Target, error) {
	r, err := o.Config.Resolve(host, config.ResolveOptions{RunExec: true})
	if err != nil {
		return Target{}, err
	}
	return TargetFromResolved(r), nil
}

// Options builds the session Options for a plan; tunnelOnly is ssh -N.
func (o *Opener) Options(p *Plan, tunnelOnly bool, cols, rows int) Options {
	secrets := NewSecrets() // this session's passphrases, for its reconnects only
	target := p.Target
	logger := o.logger()
	// The session keeps its dial for every reconnect: it keeps a copy of
	// the plan without the resolved config, which dialling does not read
	// (the target has what it needs) and which was the larger part.
	dp := *p
	dp.Resolved = nil
	dial := func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
		conn, err := o.Dial(ctx, &dp, h, secrets)
		if err != nil {
			return nil, nil, err
		}
		return conn.Client(), conn.Close, nil
	}
	term := o.getenv("TERM")
	if term == "" || term == "dumb" {
		term = "xterm-256color"
	}
	var fwd []Forward
	var fwdErrs []string
	for kind, specs := range map[byte][]string{'L': target.LocalForwards, 'R': target.RemoteForwards, 'D': target.DynamicForwards} {
		for _, spec := range specs {
			f, err := ParseForward(kind, spec)
			if err != nil {
				fwdErrs = append(fwdErrs, err.Error())
				continue
			}
			fwd = append(fwd, f)
		}
	}
	for _, e := range fwdErrs {
		logger.Warn(fmt.Sprintf("%s: %s", p.Alias, e))
	}
	return Options{
		Alias:        p.Alias,
		Target:       target.String(),
		Dial:         dial,
		Heartbeat:    p.Heartbeat.Settings,
		Reattach:     p.Reattach,
		Term:         term,
		Shell:        shellOptions(target, o.Getenv),
		Cols:         cols,
		Rows:         rows,
		Scrollback:   scrollbackOption(o.settings().Scrollback()),
		TunnelOnly:   tunnelOnly,
		DetachedTTL:  o.settings().DetachedTTL(),
		Forwards:     fwd,
		TCPKeepAlive: target.TCPKeepAlive,
		Secrets:      secrets,
		Logger:       logger,
	}
}

// Dial connects to a plan's host by the same rules as a session: its
// TCP settings from the heartbeat, staggered TCP connects when h.Fast, the
// hop resolution through the config, and the secrets cache (nil: none).
func (o *Opener) Dial(ctx context.Context, p *Plan, h DialHooks, secrets *Secrets) (*Conn, error) {
	target := p.Target
	hb := h.Heartbeat
	if hb.Mode == "" {
		hb = p.Heartbeat.Settings
	}
	tcp := keepalive.Dialer(hb, target.TCPKeepAlive)
	dialTCP := o.DialTCP
	if dialTCP == nil && h.Fast {
		dialTCP = staggered(tcp.DialContext, DefaultBackoff().ProbeEvery)
	}
	logger := o.logger()
	return Dial(ctx, DialOptions{
		Target:     target,
		ResolveHop: o.resolveHop,
		Dialer:     tcp,
		DialTCP:    dialTCP,
		Fast:       h.Fast,
		WrapConn:   h.WrapConn,
		OnStage:    h.OnStage,
		Ask:        h.Ask,
		Banner:     h.Banner,
		Secrets:    secrets,
		Log:        func(s string) { logger.Info(s, "host", p.Alias) },
		Getenv:     o.Getenv,
	})
}

// shellOptions are the ssh_config parts of a session's shell.
func shellOptions(t Target, getenv func(string) string) ShellOptions {
	so := t.ShellOptions()
	so.Getenv = getenv
	return so
}
