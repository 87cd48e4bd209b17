package config

import (
	"strings"
	"time"
)

// This file holds typed accessors for the settings the session layer
// needs. They return effective values (defaults included) with paths
// expanded as ssh expands them when it uses them.

// User returns the remote user name.
func (res *Resolved) User() string { return res.user }

// HostName returns the host name to connect to (lower-cased, HostName
// applied, canonicalised as ssh does).
func (res *Resolved) HostName() string { return res.host }

// Port returns the port to connect to.
func (res *Resolved) Port() int { return res.port }

// tokens returns the %-tokens ssh expands in paths for this host.
func (res *Resolved) tokens() map[byte]string {
	o := &res.c.opts
	keyAlias := res.alias
	if res.hostKeyAlias != "" {
		keyAlias = res.hostKeyAlias
	}
	short, _, _ := strings.Cut(o.Hostname, ".")
	return map[byte]string{
		'C': connectionHash(o.Hostname, res.host, itoa(res.port), res.user),
		'L': short,
		'i': o.UID,
		'k': keyAlias,
		'l': o.Hostname,
		'n': res.alias,
		'p': itoa(res.port),
		'd': o.Home,
		'h': res.host,
		'r': res.user,
		'u': o.LocalUser,
	}
}

// expandPath applies ~, %-tokens and ${VAR} to a path as ssh does for
// IdentityFile and CertificateFile; on error the path is returned as is.
func (res *Resolved) expandPath(p string, toks map[byte]string) string {
	t, err := tildeExpand(p, res.c.opts.Home)
	if err != nil {
		return p
	}
	t, err = expand(t, toks, res.c.opts.LookupEnv)
	if err != nil {
		return p
	}
	return t
}

// IdentityFiles returns the identity files to try, expanded (~, tokens,
// ${VAR}); the defaults when none is configured.
func (res *Resolved) IdentityFiles() []string {
	toks := res.tokens()
	var out []string
	for _, p := range res.Values("identityfile") {
		out = append(out, res.expandPath(p, toks))
	}
	return out
}

// CertificateFiles returns the configured certificate files, expanded.
func (res *Resolved) CertificateFiles() []string {
	toks := res.tokens()
	var out []string
	for _, e := range res.st.certs {
		out = append(out, res.expandPath(e.path, toks))
	}
	return out
}

// IdentitiesOnly reports IdentitiesOnly yes.
func (res *Resolved) IdentitiesOnly() bool { return res.Get("identitiesonly") == "yes" }

// IdentityAgent returns the agent socket setting, expanded: a path,
// "none", "SSH_AUTH_SOCK" or "$VAR"; "" when unset (use $SSH_AUTH_SOCK).
func (res *Resolved) IdentityAgent() string { return res.identityAgent }

// ProxyJump returns the ProxyJump hops as ssh -G prints them, "" when
// there is no jump host.
func (res *Resolved) ProxyJump() string {
	if res.jump == nil {
		return ""
	}
	return res.jump.String()
}

// ProxyCommand returns the ProxyCommand with its tokens (%h, %p, %r, %n,
// %k, %%) expanded, ready for "sh -c" (ssh itself runs "exec " followed by
// it through $SHELL). It is "" when there is none or when ProxyJump is
// used instead; "-" is returned as is. A command with an unknown token is
// returned unexpanded.
func (res *Resolved) ProxyCommand() string {
	if res.jump != nil || res.proxyCommand == "" || res.proxyCommand == "-" {
		if res.jump != nil {
			return ""
		}
		return res.proxyCommand
	}
	keyAlias := res.alias
	if res.hostKeyAlias != "" {
		keyAlias = res.hostKeyAlias
	}
	out, err := expandPercent(res.proxyCommand, map[byte]string{
		'h': res.host, 'k': keyAlias, 'n': res.alias, 'p': itoa(res.port), 'r': res.user,
	})
	if err != nil {
		return res.proxyCommand
	}
	return out
}

// ConnectTimeout returns ConnectTimeout; 0 means none (the system's).
func (res *Resolved) ConnectTimeout() time.Duration {
	id := kw("connecttimeout").id
	if !res.st.isSet(id) {
		return 0
	}
	return time.Duration(res.st.num(id, 0)) * time.Second
}

// ConnectionAttempts returns the number of connection attempts.
func (res *Resolved) ConnectionAttempts() int { return res.st.num(idConnectionAttempt, 1) }

// StrictHostKeyChecking returns "yes", "no", "accept-new" or "ask".
func (res *Resolved) StrictHostKeyChecking() string {
	switch res.st.num(kw("stricthostkeychecking").id, 3) {
	case 2:
		return "yes"
	case 0:
		return "no"
	case 1:
		return "accept-new"
	}
	return "ask"
}

// UserKnownHostsFiles returns the user known-hosts files, expanded.
func (res *Resolved) UserKnownHostsFiles() []string {
	return append([]string(nil), res.userKnownHosts...)
}

// GlobalKnownHostsFiles returns the global known-hosts files (~ expanded).
func (res *Resolved) GlobalKnownHostsFiles() []string {
	var out []string
	for _, p := range res.Values("globalknownhostsfile") {
		if t, err := tildeExpand(p, res.c.opts.Home); err == nil {
			p = t
		}
		out = append(out, p)
	}
	return out
}

// HostKeyAlias returns the HostKeyAlias (lower-cased), "" when unset.
func (res *Resolved) HostKeyAlias() string { return res.hostKeyAlias }

// HashKnownHosts reports HashKnownHosts yes.
func (res *Resolved) HashKnownHosts() bool { return res.Get("hashknownhosts") == "yes" }

// BatchMode reports BatchMode yes.
func (res *Resolved) BatchMode() bool { return res.Get("batchmode") == "yes" }

// TCPKeepAlive reports TCPKeepAlive (default yes).
func (res *Resolved) TCPKeepAlive() bool { return res.Get("tcpkeepalive") == "yes" }

// ServerAliveInterval returns ServerAliveInterval and whether the
// configuration set it (0 disables server-alive messages; Debian's ssh
// uses 300 s by default in batch mode).
func (res *Resolved) ServerAliveInterval() (time.Duration, bool) {
	id := kw("serveraliveinterval").id
	return time.Duration(res.serverAliveInterval()) * time.Second, res.st.isSet(id)
}

// ServerAliveCountMax returns ServerAliveCountMax and whether the
// configuration set it.
func (res *Resolved) ServerAliveCountMax() (int, bool) {
	id := kw("serveralivecountmax").id
	return res.st.num(id, 3), res.st.isSet(id)
}

// RequestTTY returns "yes", "no", "force" or "auto".
func (res *Resolved) RequestTTY() string {
	switch res.st.num(idRequestTTY, 3) {
	case 1:
		return "yes"
	case 0:
		return "no"
	case 2:
		return "force"
	}
	return "auto"
}

// RemoteCommand returns the RemoteCommand with tokens expanded, "" when
// there is none.
func (res *Resolved) RemoteCommand() string { return res.remoteCommand }

// ForwardAgent returns "yes", "no" or the agent socket path to forward.
func (res *Resolved) ForwardAgent() string { return res.Get("forwardagent") }

// SetEnv returns the SetEnv NAME=VALUE entries.
func (res *Resolved) SetEnv() []string { return res.setEnv() }

// SendEnv returns the SendEnv variable patterns.
func (res *Resolved) SendEnv() []string { return append([]string(nil), res.st.sendEnv...) }

// LocalForwards returns the LocalForward specifications as ssh -G prints
// them ("[listenhost:]port [host]:port", or socket paths).
func (res *Resolved) LocalForwards() []string { return res.Values("localforward") }

// RemoteForwards returns the RemoteForward specifications as ssh -G
// prints them.
func (res *Resolved) RemoteForwards() []string { return res.Values("remoteforward") }

// DynamicForwards returns the DynamicForward listen addresses as ssh -G
// prints them.
func (res *Resolved) DynamicForwards() []string { return res.Values("dynamicforward") }

// PasswordAuthentication reports PasswordAuthentication (default yes).
func (res *Resolved) PasswordAuthentication() bool {
	return res.Get("passwordauthentication") == "yes"
}

// KbdInteractiveAuthentication reports KbdInteractiveAuthentication
// (default yes).
func (res *Resolved) KbdInteractiveAuthentication() bool {
	return res.Get("kbdinteractiveauthentication") == "yes"
}

// PubkeyAuthentication reports whether public key authentication is on
// (yes, unbound or host-bound).
func (res *Resolved) PubkeyAuthentication() bool {
	return res.Get("pubkeyauthentication") != "false"
}

// PreferredAuthentications returns PreferredAuthentications, "" when
// unset (ssh's built-in order).
func (res *Resolved) PreferredAuthentications() string { return res.Get("preferredauthentications") }

// HostKeyAlgorithms returns the effective host key algorithm list.
func (res *Resolved) HostKeyAlgorithms() string { return res.Get("hostkeyalgorithms") }

// HostKeyAlgorithmsAsWritten returns HostKeyAlgorithms as the configuration
// line gave it (possibly starting with +, - or ^), "" when unset: ssh
// orders host key algorithms by known_hosts only when it is unset or
// starts with + or -.
func (res *Resolved) HostKeyAlgorithmsAsWritten() string {
	id := kw("hostkeyalgorithms").id
	if !res.st.isSet(id) {
		return ""
	}
	return res.st.str(id)
}

// EscapeChar returns the escape character as ssh -G prints it ("~",
// "none", "\^A" for a control character).
func (res *Resolved) EscapeChar() string { return res.Get("escapechar") }
