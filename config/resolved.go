package config

import (
	"strings"
)

// Resolved is the effective configuration for one host, as ssh -G
// computes it: values from the configuration where set, ssh's defaults
// otherwise, with tokens expanded where ssh expands them.
type Resolved struct {
	c     *Config
	st    *state
	state state // storage for st
	sets  [8]setEntry
	alias string // the host argument
	host  string // the final host name
	user  string
	port  int

	execSkipped bool

	// Expanded values (ssh expands these before printing them).
	remoteCommand  string
	controlPath    string
	identityAgent  string
	fwdAgentPath   string
	hostKeyAlias   string
	userKnownHosts []string
	localPaths     [][2]string // expanded listen/connect paths of localFwds
	remotePaths    [][2]string // expanded listen/connect paths of remoteFwds
	updateHostKeys int
	proxyUseFdpass bool // false when a jump host forces it off
	jump           *jumpSpec
	proxyCommand   string // raw, "" when none
	clearFwds      bool
}

// Alias returns the host argument Resolve was called with.
func (res *Resolved) Alias() string { return res.alias }

// ExecSkipped reports that a Match exec command was not run (RunExec off)
// and its criterion was taken as not matching.
func (res *Resolved) ExecSkipped() bool { return res.execSkipped }

// IsSet reports whether keyword (any case, aliases accepted) was set by a
// configuration line, or by ResolveOptions for user and port, rather than
// left to its default.
func (res *Resolved) IsSet(keyword string) bool {
	k := lookupKeyword(lowerASCII(keyword))
	if k == nil {
		return false
	}
	st := res.st
	switch k.kind {
	case kIdentityFile:
		return len(st.identities) > 0
	case kCertificateFile:
		return len(st.certs) > 0
	case kLocalForward, kDynamicForward:
		for _, f := range st.localFwds {
			if f.isDynamic() == (k.kind == kDynamicForward) {
				return true
			}
		}
		return false
	case kRemoteForward:
		return len(st.remoteFwds) > 0
	case kSendEnv:
		return len(st.sendEnv) > 0
	case kProxyJump:
		return res.jump != nil
	case kRekeyLimit:
		return st.rekeyLimit.it != nil || st.rekeyInterval.it != nil
	}
	switch k.id {
	case idUser:
		return st.cmdUser != "" || st.isSet(idUser)
	case idPort:
		return st.port > 0
	case idProxyCommand:
		return res.proxyCommand != ""
	case idSyslogFacility:
		return res.c.syslogFacility != nil
	case idStreamLocalMask:
		return res.c.streamLocalMask != nil
	}
	return st.isSet(k.id)
}

// Origin returns the file and line that set keyword, if a line did.
// Multi-valued keywords report no origin.
func (res *Resolved) Origin(keyword string) (file string, line int, ok bool) {
	k := lookupKeyword(lowerASCII(keyword))
	if k == nil {
		return "", 0, false
	}
	var s setting
	switch {
	case k.kind == kProxyJump:
		s = res.st.jump
	case k.id == idProxyCommand:
		s = res.st.proxyCmd
	default:
		s = res.st.get(k.id)
	}
	if s.it == nil || s.f == nil {
		return "", 0, false
	}
	return s.f.path, int(s.it.line), true
}

// Get returns the first value of keyword as ssh -G prints it ("" if none).
// Keywords are matched case-insensitively; aliases are accepted.
func (res *Resolved) Get(keyword string) string {
	v := res.Values(keyword)
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Values returns every value of keyword as ssh -G prints them: one per
// line for multi-valued keywords (IdentityFile, LocalForward, SendEnv,
// ...), one per item for list keywords printed on one line
// (UserKnownHostsFile, CanonicalDomains, ...), else a single value.
func (res *Resolved) Values(keyword string) []string {
	k := lookupKeyword(lowerASCII(keyword))
	if k == nil {
		return nil
	}
	d, ok := dumpFields[k.name]
	if !ok {
		return nil
	}
	return d.values(res)
}

// Lines returns the configuration as "keyword value" lines, in the order
// and format of ssh -G.
func (res *Resolved) Lines() []string {
	out := make([]string, 0, 110)
	out = append(out, "host "+res.alias)
	for _, d := range dumpOrder {
		vals := d.values(res)
		switch {
		case d.oneLine:
			if len(vals) == 0 {
				out = append(out, d.name+" none")
			} else {
				out = append(out, d.name+" "+strings.Join(vals, " "))
			}
		default:
			for _, v := range vals {
				out = append(out, d.name+" "+v)
			}
		}
	}
	return out
}

// String returns Lines joined with newlines.
func (res *Resolved) String() string {
	return strings.Join(res.Lines(), "\n") + "\n"
}
