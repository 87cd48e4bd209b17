package config

import (
	"fmt"
	"strconv"
	"strings"
)

// dumpField is one keyword of ssh -G's output: its printed name, whether
// its values share one line, and how to compute them (defaults included).
type dumpField struct {
	name    string
	oneLine bool
	values  func(res *Resolved) []string
}

// defaultIdentityFiles are the identity files ssh tries when none is
// configured, as this OpenSSH build prints them.
var defaultIdentityFiles = []string{
	"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519",
	"~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa",
}

// defaultGlobalKnownHosts are the default GlobalKnownHostsFile entries.
var defaultGlobalKnownHosts = []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}

func one(s string) []string { return []string{s} }

// flag prints a yes/no keyword with its default.
func flag(name string, def int) *dumpField {
	id := kw(name).id
	return &dumpField{name: name, values: func(res *Resolved) []string {
		return one(yesNo(res.st.num(id, def)))
	}}
}

// multi prints a multi-state keyword with its default.
func multi(name string, def int) *dumpField {
	k := kw(name)
	return &dumpField{name: name, values: func(res *Resolved) []string {
		return one(stateName(k.states, res.st.num(k.id, def)))
	}}
}

// integer prints a numeric keyword with its default.
func integer(name string, def int) *dumpField {
	id := kw(name).id
	return &dumpField{name: name, values: func(res *Resolved) []string {
		return one(strconv.Itoa(res.st.num(id, def)))
	}}
}

// optional prints a string keyword only when set; with clear, "none"
// counts as unset (ssh's CLEAR_ON_NONE).
func optional(name string, clear bool) *dumpField {
	id := kw(name).id
	return &dumpField{name: name, values: func(res *Resolved) []string {
		v := res.st.str(id)
		if !res.st.isSet(id) || (clear && strings.EqualFold(v, "none")) {
			return nil
		}
		return one(v)
	}}
}

// withDefault prints a string keyword, or def when unset.
func withDefault(name, def string) *dumpField {
	id := kw(name).id
	return &dumpField{name: name, values: func(res *Resolved) []string {
		if res.st.isSet(id) {
			return one(res.st.str(id))
		}
		return one(def)
	}}
}

// algorithms prints an algorithm list keyword, assembled from defaults.
func algorithms(name string) *dumpField {
	id := kw(name).id
	al := algoLists[name]
	return &dumpField{name: name, values: func(res *Resolved) []string {
		if !res.st.isSet(id) {
			return one(al.def)
		}
		v, _ := assembleNames(res.st.str(id), al.def, al.all)
		return one(v)
	}}
}

func field(name string, oneLine bool, f func(res *Resolved) []string) *dumpField {
	return &dumpField{name: name, oneLine: oneLine, values: f}
}

// listOf returns the list of the line that set keyword id, if any.
func listOf(res *Resolved, id int) ([]string, bool) {
	if it := res.st.get(id).it; it != nil {
		return it.ext.list, true
	}
	return nil, false
}

// dumpOrder is the order of ssh -G's output (after the "host" line) for
// OpenSSH 9.2p1 as built by Debian.
var dumpOrder = []*dumpField{
	field("user", false, func(res *Resolved) []string { return one(res.user) }),
	field("hostname", false, func(res *Resolved) []string { return one(res.host) }),
	field("port", false, func(res *Resolved) []string { return one(strconv.Itoa(res.port)) }),
	multi("addressfamily", 0),
	flag("batchmode", 0),
	flag("canonicalizefallbacklocal", 1),
	multi("canonicalizehostname", 0),
	flag("checkhostip", 0),
	multi("compression", 0),
	multi("controlmaster", 0),
	flag("enablesshkeysign", 0),
	flag("clearallforwardings", 0),
	flag("exitonforwardfailure", 0),
	withDefault("fingerprinthash", "SHA256"),
	flag("forwardx11", 0),
	flag("forwardx11trusted", 1),
	flag("gatewayports", 0),
	flag("gssapiauthentication", 0),
	flag("gssapikeyexchange", 0),
	flag("gssapidelegatecredentials", 0),
	flag("gssapitrustdns", 0),
	flag("gssapirenewalforcesrekey", 0),
	optional("gssapiclientidentity", false),
	optional("gssapiserveridentity", false),
	withDefault("gssapikexalgorithms", defGSSKex),
	flag("hashknownhosts", 0),
	flag("hostbasedauthentication", 0),
	flag("identitiesonly", 0),
	flag("kbdinteractiveauthentication", 1),
	flag("nohostauthenticationforlocalhost", 0),
	flag("passwordauthentication", 1),
	flag("permitlocalcommand", 0),
	field("proxyusefdpass", false, func(res *Resolved) []string {
		if res.proxyUseFdpass {
			return one("yes")
		}
		return one("no")
	}),
	multi("pubkeyauthentication", 3),
	multi("requesttty", 3),
	multi("sessiontype", 2),
	flag("stdinnull", 0),
	flag("forkafterauthentication", 0),
	flag("streamlocalbindunlink", 0),
	multi("stricthostkeychecking", 3),
	flag("tcpkeepalive", 1),
	field("tunnel", false, func(res *Resolved) []string {
		v := res.st.num(idTunnel, 0)
		if res.clearFwds {
			v = 0
		}
		return one(stateName(statesTunnel, v))
	}),
	multi("verifyhostkeydns", 0),
	flag("visualhostkey", 0),
	field("updatehostkeys", false, func(res *Resolved) []string {
		return one(stateName(statesYesNoAsk, res.updateHostKeys))
	}),
	flag("enableescapecommandline", 0),
	integer("canonicalizemaxdots", 1),
	integer("connectionattempts", 1),
	integer("forwardx11timeout", 1200),
	integer("numberofpasswordprompts", 3),
	integer("serveralivecountmax", 3),
	field("serveraliveinterval", false, func(res *Resolved) []string {
		return one(strconv.Itoa(res.serverAliveInterval()))
	}),
	integer("requiredrsasize", 1024),
	optional("bindaddress", false),
	optional("bindinterface", false),
	algorithms("ciphers"),
	field("controlpath", false, func(res *Resolved) []string { return optStr(res.controlPath) }),
	algorithms("hostkeyalgorithms"),
	field("hostkeyalias", false, func(res *Resolved) []string { return optStr(res.hostKeyAlias) }),
	algorithms("hostbasedacceptedalgorithms"),
	field("identityagent", false, func(res *Resolved) []string {
		if !res.st.isSet(idIdentityAgent) {
			return nil
		}
		return one(res.identityAgent)
	}),
	optional("ignoreunknown", false),
	optional("kbdinteractivedevices", false),
	algorithms("kexalgorithms"),
	algorithms("casignaturealgorithms"),
	optional("localcommand", true),
	field("remotecommand", false, func(res *Resolved) []string {
		if !res.st.commandSet(idRemoteCommand) {
			return nil
		}
		return one(res.remoteCommand)
	}),
	withDefault("loglevel", "INFO"),
	algorithms("macs"),
	optional("pkcs11provider", true),
	field("securitykeyprovider", false, func(res *Resolved) []string {
		if !res.st.isSet(idSecurityKeyProv) {
			return one("internal")
		}
		return optStr(res.st.clearableStr(idSecurityKeyProv))
	}),
	optional("preferredauthentications", false),
	algorithms("pubkeyacceptedalgorithms"),
	optional("revokedhostkeys", true), // OpenSSH 9.2 prints it unexpanded
	withDefault("xauthlocation", "/usr/bin/xauth"),
	optional("knownhostscommand", true),
	field("dynamicforward", false, func(res *Resolved) []string {
		var out []string
		if res.clearFwds {
			return nil
		}
		for i, f := range res.st.localFwds {
			if f.connectHostSet && f.connectHost != "socks" {
				continue
			}
			out = append(out, f.format(res.localPaths[i][0], "", false))
		}
		return out
	}),
	field("localforward", false, func(res *Resolved) []string {
		var out []string
		if res.clearFwds {
			return nil
		}
		for i, f := range res.st.localFwds {
			if f.isDynamic() {
				continue
			}
			out = append(out, f.format(res.localPaths[i][0], res.localPaths[i][1], true))
		}
		return out
	}),
	field("remoteforward", false, func(res *Resolved) []string {
		var out []string
		if res.clearFwds {
			return nil
		}
		for i, f := range res.st.remoteFwds {
			out = append(out, f.format(res.remotePaths[i][0], res.remotePaths[i][1], true))
		}
		return out
	}),
	field("identityfile", false, func(res *Resolved) []string {
		if len(res.st.identities) == 0 {
			return defaultIdentityFiles
		}
		out := make([]string, len(res.st.identities))
		for i, e := range res.st.identities {
			out[i] = e.path
		}
		return out
	}),
	field("canonicaldomains", true, func(res *Resolved) []string {
		l, _ := listOf(res, idCanonDomains)
		return l
	}),
	field("certificatefile", false, func(res *Resolved) []string {
		out := make([]string, len(res.st.certs))
		for i, e := range res.st.certs {
			out[i] = e.path
		}
		return out
	}),
	field("globalknownhostsfile", true, func(res *Resolved) []string {
		if l, ok := listOf(res, idGlobalKnownHosts); ok {
			return l
		}
		return defaultGlobalKnownHosts
	}),
	field("userknownhostsfile", true, func(res *Resolved) []string { return res.userKnownHosts }),
	field("sendenv", false, func(res *Resolved) []string { return res.st.sendEnv }),
	field("setenv", false, func(res *Resolved) []string { return res.setEnv() }),
	field("logverbose", true, func(res *Resolved) []string {
		l, _ := listOf(res, kw("logverbose").id)
		return l
	}),
	field("permitremoteopen", true, func(res *Resolved) []string {
		if l, ok := listOf(res, kw("permitremoteopen").id); ok {
			return l
		}
		return one("any")
	}),
	field("addkeystoagent", false, func(res *Resolved) []string {
		it := res.st.get(kw("addkeystoagent").id).it
		if it == nil || it.ext.n2 <= 0 {
			v := 0
			if it != nil {
				v = it.n
			}
			return one(stateName(statesAddKeys, v))
		}
		if it.n == 3 {
			return one(fmt.Sprintf("confirm %d", it.ext.n2))
		}
		return one(strconv.Itoa(it.ext.n2))
	}),
	field("forwardagent", false, func(res *Resolved) []string {
		if res.st.fwdAgentPath.it != nil {
			return one(res.fwdAgentPath)
		}
		v := res.st.num(kw("forwardagent").id, 0)
		if v == -2 {
			v = 1
		}
		return one(yesNo(v))
	}),
	field("connecttimeout", false, func(res *Resolved) []string {
		if !res.st.isSet(kw("connecttimeout").id) {
			return one("none")
		}
		return one(res.st.str(kw("connecttimeout").id))
	}),
	field("tunneldevice", false, func(res *Resolved) []string {
		l, r := tunIDAny, tunIDAny
		if it := res.st.get(kw("tunneldevice").id).it; it != nil {
			l, r = it.n, it.ext.n2
		}
		s := func(v int) string {
			if v == tunIDAny {
				return "any"
			}
			return strconv.Itoa(v)
		}
		return one(s(l) + ":" + s(r))
	}),
	{name: "canonicalizePermittedcnames", oneLine: true, values: func(res *Resolved) []string {
		if !res.st.hasPermittedCNAMEs() {
			return nil
		}
		l, _ := listOf(res, idPermittedCNAMEs)
		return l
	}},
	field("controlpersist", false, func(res *Resolved) []string {
		it := res.st.get(idControlPersist).it
		if it == nil {
			return one("no")
		}
		if it.n == 0 || it.ext == nil || it.ext.n2 == 0 {
			return one(yesNo(it.n))
		}
		return one(strconv.Itoa(it.ext.n2))
	}),
	field("escapechar", false, func(res *Resolved) []string {
		it := res.st.get(kw("escapechar").id).it
		switch {
		case it == nil:
			return one("~")
		case it.n == escapeCharNone:
			return one("none")
		}
		return one(visChar(byte(it.n)))
	}),
	field("ipqos", false, func(res *Resolved) []string {
		a, b := 0x10, 0x08
		if it := res.st.get(kw("ipqos").id).it; it != nil {
			a, b = it.n, it.ext.n2
		}
		return one(iptos2str(a) + " " + iptos2str(b))
	}),
	field("rekeylimit", false, func(res *Resolved) []string {
		var limit int64
		interval := 0
		if it := res.st.rekeyLimit.it; it != nil {
			limit = it.ext.n64
		}
		if it := res.st.rekeyInterval.it; it != nil {
			interval = it.ext.n2
		}
		return one(fmt.Sprintf("%d %d", uint64(limit), interval))
	}),
	field("streamlocalbindmask", false, func(res *Resolved) []string {
		v := 0o177
		if it := res.c.streamLocalMask; it != nil {
			v = it.n
		}
		return one(fmt.Sprintf("0%o", v))
	}),
	field("syslogfacility", false, func(res *Resolved) []string {
		if it := res.c.syslogFacility; it != nil {
			return one(it.s)
		}
		return one("USER")
	}),
	field("proxycommand", false, func(res *Resolved) []string {
		if res.jump != nil {
			return nil
		}
		return optStr(res.proxyCommand)
	}),
	field("proxyjump", false, func(res *Resolved) []string {
		if res.jump == nil {
			return nil
		}
		return one(res.jump.String())
	}),
}

func optStr(s string) []string {
	if s == "" {
		return nil
	}
	return one(s)
}

// dumpFields indexes dumpOrder by lower-case keyword name.
var dumpFields = func() map[string]*dumpField {
	m := make(map[string]*dumpField, len(dumpOrder))
	for _, d := range dumpOrder {
		m[strings.ToLower(d.name)] = d
	}
	return m
}()

// setEnv returns the SetEnv entries: those of the first line that set
// any, without repeated names.
func (res *Resolved) setEnv() []string {
	l, ok := listOf(res, kw("setenv").id)
	if !ok {
		return nil
	}
	var out []string
	seen := make(map[string]bool, len(l))
	for _, e := range l {
		name, _, _ := strings.Cut(e, "=")
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, e)
	}
	return out
}

// serverAliveInterval returns ServerAliveInterval in seconds. Debian's
// ssh defaults it to 300 in batch mode.
func (res *Resolved) serverAliveInterval() int {
	def := 0
	if res.st.num(kw("batchmode").id, 0) == 1 {
		def = 300
	}
	return res.st.num(kw("serveraliveinterval").id, def)
}
