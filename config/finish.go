package config

import (
	"fmt"
	"strings"
)

// This file drives one resolution the way ssh's main() does around
// reading the configuration: first pass, host name canonicalisation,
// final pass, defaults, consistency checks and token expansion.

// validHostname is ssh's check on the destination argument.
func validHostname(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("'`\"$\\;&<>|(){}", c) >= 0 || isCSpace(c) || c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// Resolve computes the configuration for host (an alias or host name, as
// given to ssh) the way ssh -G does: it reads the files for the host,
// canonicalises the host name, reads them again for "Match final" and
// canonicalisation, fills in defaults and expands tokens.
//
// The error is non-nil for problems that make ssh refuse to connect (a
// %-token ssh does not know, a failing Match exec command, "jumphost
// loop", ...); errors.Is(err, ErrFatal) holds for them and the position is
// named where there is one. Broken lines are not errors here: they were
// reported by Load and are skipped.
func (c *Config) Resolve(host string, opts ResolveOptions) (*Resolved, error) {
	if !validHostname(host) {
		return nil, fatalf("hostname contains invalid characters: %q", host)
	}
	res := &Resolved{c: c, alias: host}
	st := &res.state
	st.set = res.sets[:0]
	res.st = st
	st.cmdUser = opts.User
	if opts.Port > 0 {
		st.port = opts.Port
	}
	r := &resolver{c: c, opts: opts, st: st, hostArg: host, host: host, res: res, strict: opts.Strict}
	if err := r.run(); err != nil {
		return nil, err
	}
	if r.strict {
		if err := r.refusal(); err != nil {
			return nil, err
		}
		r.strict = false // the final pass reads the same lines again
	}
	// The host name from HostName, with %h, as ssh takes it into use.
	h := host
	if st.isSet(idHostname) {
		x, err := expandPercent(st.hostname(), map[byte]string{'h': host})
		if err != nil {
			set := st.get(idHostname)
			return nil, fatalAt(set.f.path, int(set.it.line), "HostName: %v", err)
		}
		h = x
	}
	wasAddr := isAddr(h)
	if !wasAddr {
		h = lowerASCII(h)
	}
	canon := st.num(idCanonicalize, canonNo)
	found := false
	if canon != canonNo || wasAddr {
		direct := st.proxyCommandClear() && st.jump.it == nil
		var err error
		if h, found, err = r.canonicalize(h, canon, direct); err != nil {
			return nil, err
		}
	}
	direct := st.proxyCommandClear() && st.jumpClear()
	if !found && st.hasPermittedCNAMEs() && (direct || canon == canonAlways) {
		if cname, ok := r.lookup(h); ok {
			h = r.followCNAME(direct, h, cname)
		} else if direct && r.opts.Lookup != nil {
			return nil, fatalf("could not resolve hostname %s", h)
		}
	}
	if canon != canonNo || c.wantFinal {
		r.final = true
		r.host = h
		if err := r.run(); err != nil {
			return nil, err
		}
	}
	return r.finish(h)
}

// proxyCommandClear is ssh's option_clear_or_none(options.proxy_command).
func (st *state) proxyCommandClear() bool {
	if st.proxyCmdNone {
		return true
	}
	return st.proxyCmd.it == nil || strings.EqualFold(st.proxyCmd.it.s, "none")
}

// jumpClear is option_clear_or_none(options.jump_host).
func (st *state) jumpClear() bool {
	return st.jump.it == nil || strings.EqualFold(st.jump.it.ext.jump.host, "none")
}

// finish fills defaults, checks consistency and expands tokens, as ssh
// does between reading the files and printing them.
func (r *resolver) finish(host string) (*Resolved, error) {
	st := r.st
	o := &r.c.opts
	res := r.res
	res.host, res.execSkipped = host, r.execSkipped
	res.user = st.userOr(o.LocalUser)
	res.port = st.port
	if res.port <= 0 {
		res.port = 22
	}
	res.clearFwds = st.num(idClearForwardings, 0) == 1
	res.proxyUseFdpass = st.num(idProxyUseFdpass, 0) == 1
	if st.proxyCmd.it != nil && !strings.EqualFold(st.proxyCmd.it.s, "none") {
		res.proxyCommand = st.proxyCmd.it.s
	}
	if st.jump.it != nil {
		j := st.jump.it.ext.jump
		if !(j.host == "none" && j.port == 0 && !j.hasUser) {
			res.jump = &j
		}
	}
	if j := res.jump; j != nil {
		jport := j.port
		if jport <= 0 {
			jport = 22
		}
		juser := res.user
		if j.hasUser {
			juser = j.user
		}
		if j.host == host && jport == res.port && juser == res.user {
			return nil, fatalAt(st.jump.f.path, int(st.jump.it.line), "jumphost loop via %s", j.host)
		}
		res.proxyUseFdpass = false
	}
	if st.isSet(idHostKeyAlias) {
		res.hostKeyAlias = lowerASCII(st.str(idHostKeyAlias))
	}
	if n := st.num(idConnectionAttempt, 1); n <= 0 {
		return nil, fatalf("invalid number of ConnectionAttempts")
	}
	if st.num(idForkAfterAuth, 0) == 1 && !st.commandSet(idRemoteCommand) && st.num(idSessionType, 2) != 0 {
		return nil, fatalf("cannot fork into background without a command to execute")
	}
	fail := func(id int, what string, err error) error {
		s := st.get(id)
		if s.it != nil && s.f != nil {
			return fatalAt(s.f.path, int(s.it.line), "%s: %v", what, err)
		}
		return fatalf("%s: %v", what, err)
	}
	res.updateHostKeys = r.updateHostKeys()
	for _, a := range algoKeywords {
		if !st.isSet(a.id) {
			continue
		}
		if _, ok := assembleNames(st.str(a.id), a.def, a.all); !ok {
			return nil, fail(a.id, a.name, fmt.Errorf("no usable algorithms in %q", st.str(a.id)))
		}
	}

	// Tokens, as ssh's conn_info; built only when a value uses one.
	var toksCache map[byte]string
	toksFor := func(v string) map[byte]string {
		if strings.IndexByte(v, '%') < 0 {
			return nil
		}
		if toksCache == nil {
			toksCache = res.tokens()
		}
		return toksCache
	}
	var err error
	if st.commandSet(idRemoteCommand) {
		v := st.str(idRemoteCommand)
		if res.remoteCommand, err = expandPercent(v, toksFor(v)); err != nil {
			return nil, fail(idRemoteCommand, "RemoteCommand", err)
		}
	}
	pathExpand := func(id int, what, v string) (string, error) {
		t, err := tildeExpand(v, o.Home)
		if err == nil {
			t, err = expand(t, toksFor(t), o.LookupEnv)
		}
		if err != nil {
			return "", fail(id, what, err)
		}
		return t, nil
	}
	if v := st.clearableStr(idControlPath); v != "" {
		if res.controlPath, err = pathExpand(idControlPath, "ControlPath", v); err != nil {
			return nil, err
		}
	}
	if st.isSet(idIdentityAgent) {
		if res.identityAgent, err = pathExpand(idIdentityAgent, "IdentityAgent", st.str(idIdentityAgent)); err != nil {
			return nil, err
		}
	}
	if s := st.fwdAgentPath; s.it != nil {
		if res.fwdAgentPath, err = pathExpand(idForwardAgent, "ForwardAgent", s.it.s); err != nil {
			return nil, err
		}
	}
	if it := st.get(idUserKnownHosts).it; it != nil {
		for _, f := range it.ext.list {
			x, err := pathExpand(idUserKnownHosts, "UserKnownHostsFile", f)
			if err != nil {
				return nil, err
			}
			res.userKnownHosts = append(res.userKnownHosts, x)
		}
	} else {
		res.userKnownHosts = r.c.defaultUserKnownHosts
	}
	expandPaths := func(fwds []forward) ([][2]string, error) {
		var out [][2]string
		for _, fw := range fwds {
			var p [2]string
			for i, v := range []string{fw.listenPath, fw.connectPath} {
				if v == "" {
					continue
				}
				if p[i], err = expandPercent(v, toksFor(v)); err != nil {
					return nil, fatalf("forwarding path %q: %v", v, err)
				}
			}
			out = append(out, p)
		}
		return out, nil
	}
	if !res.clearFwds {
		if res.localPaths, err = expandPaths(st.localFwds); err != nil {
			return nil, err
		}
		if res.remotePaths, err = expandPaths(st.remoteFwds); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// commandSet reports a command keyword set to something other than "none".
func (st *state) commandSet(id int) bool {
	return st.isSet(id) && !strings.EqualFold(st.str(id), "none")
}

// clearableStr returns a string option, "" when unset or "none" (ssh's
// CLEAR_ON_NONE).
func (st *state) clearableStr(id int) string {
	v := st.str(id)
	if strings.EqualFold(v, "none") {
		return ""
	}
	return v
}

// updateHostKeys computes UpdateHostKeys as ssh settles it.
func (r *resolver) updateHostKeys() int {
	st := r.st
	v := st.num(idUpdateHostKeys, -1)
	if v == -1 {
		v = 0
		files := r.userKnownHostsSetting()
		if st.num(idVerifyHostKeyDNS, 0) <= 0 &&
			(len(files) == 0 || (len(files) == 1 && files[0] == "~/.ssh/known_hosts")) {
			v = 1
		}
	}
	if v == 2 { // ask
		switch {
		case st.num(idControlPersist, 0) != 0 && st.clearableStr(idControlPath) != "":
			v = 0
		case st.commandSet(idRemoteCommand) || st.num(idRequestTTY, 3) == 0:
			v = 0
		case st.num(idLogLevel, 3) < 3:
			v = 0
		}
	}
	return v
}

// userKnownHostsSetting returns the configured UserKnownHostsFile list.
func (r *resolver) userKnownHostsSetting() []string {
	if it := r.st.get(idUserKnownHosts).it; it != nil {
		return it.ext.list
	}
	return nil
}
