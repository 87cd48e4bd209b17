package config

import (
	"fmt"
	"strconv"
	"strings"
)

// This file checks and converts the arguments of each keyword as ssh's
// process_config_line does, so that a line ssh would reject is reported
// with the same reason.

// parseValue checks the arguments of a known keyword and stores its value.
func (p *parser) parseValue(it *item, args []string, rest string, user bool) string {
	k := it.kw
	name := it.name
	used := 1 // arguments consumed; more is "extra arguments"
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	missing := func() string { return "missing argument" }
	switch k.kind {
	case kHost:
		for _, a := range args {
			if a == "" {
				return fmt.Sprintf("keyword %s empty argument", name)
			}
		}
		it.args = args
		used = len(args)
	case kMatch:
		crit, final, msg := parseMatch(rest)
		if msg != "" {
			return msg
		}
		x := it.x()
		x.crit, x.final = crit, final
		used = len(args)
	case kInclude:
		for _, a := range args {
			if a == "" {
				return fmt.Sprintf("keyword %s empty argument", name)
			}
			if a[0] == '~' && !user {
				return fmt.Sprintf("bad include path %s (~ is only allowed in user configurations)", a)
			}
		}
		it.args = args
		used = len(args)
	case kIgnore, kDeprecated, kUnsupported:
		used = len(args)
	case kFlag, kMultistate:
		if len(args) == 0 {
			return missing()
		}
		v, ok := stateValue(k.states, arg)
		if !ok {
			return fmt.Sprintf("unsupported option %q", arg)
		}
		it.n = v
		if k.kind == kFlag {
			it.s = yesNo(v)
		} else {
			it.s = stateName(k.states, v)
		}
	case kInt:
		v, errstr := atoiErr(arg)
		if errstr != "" {
			return fmt.Sprintf("integer value %s", errstr)
		}
		it.n, it.s = v, strconv.Itoa(v)
	case kTime:
		if arg == "" {
			return "missing time value"
		}
		if arg == "none" {
			it.n = -1
			break
		}
		v := convtime(arg)
		if v < 0 {
			return "invalid time value"
		}
		it.n, it.s = v, strconv.Itoa(v)
	case kString, kIdentityFile, kCertificateFile:
		if arg == "" {
			return missing()
		}
		it.s = arg
	case kCommand, kProxyJump:
		it.s = strings.TrimLeft(rest, whitespace+"=")
		used = len(args)
		if k.kind == kProxyJump {
			j, ok := parseJump(it.s)
			if !ok {
				return fmt.Sprintf("invalid ProxyJump %q", it.s)
			}
			it.x().jump = j
		}
	case kPort:
		if arg == "" {
			return missing()
		}
		v := a2port(arg)
		if v <= 0 {
			return fmt.Sprintf("bad port %q", arg)
		}
		it.n, it.s = v, strconv.Itoa(v)
	case kHostFiles, kLogVerbose, kCanonicalDomains:
		var list []string
		for i, a := range args {
			if a == "" {
				return fmt.Sprintf("keyword %s empty argument", name)
			}
			if strings.EqualFold(a, "none") && (i > 0 || len(args) > 1) {
				return fmt.Sprintf("keyword %s \"none\" argument must appear alone", name)
			}
			if k.kind == kCanonicalDomains {
				d, why := validDomain(a)
				if why != "" {
					return why
				}
				a = d
			}
			list = append(list, a)
		}
		if k.kind == kLogVerbose && len(list) > 1 {
			// OpenSSH 9.2 keeps only the first argument of the line.
			list = list[:1]
		}
		it.x().list = list
		used = len(args)
	case kLocalForward, kRemoteForward, kDynamicForward:
		return p.parseForwardLine(it, args)
	case kSendEnv:
		for _, a := range args {
			if a == "" || strings.Contains(a, "=") {
				return "invalid environment name"
			}
		}
		it.x().list = args
		used = len(args)
	case kSetEnv:
		for _, a := range args {
			if !strings.Contains(a, "=") {
				return "invalid SetEnv"
			}
		}
		it.x().list = args
		used = len(args)
	case kEscapeChar:
		if len(args) == 0 {
			return missing()
		}
		v, ok := parseEscapeChar(arg)
		if !ok {
			return "bad escape character"
		}
		it.n = v
	case kControlPersist:
		switch {
		case arg == "":
			return "missing ControlPersist argument"
		case arg == "no" || arg == "false":
			it.n = 0
		case arg == "yes" || arg == "true":
			it.n = 1
		default:
			t := convtime(arg)
			if t < 0 {
				return "bad ControlPersist argument"
			}
			it.n = 1
			it.x().n2 = t
		}
	case kAddKeysToAgent:
		return parseAddKeys(it, args)
	case kIPQoS:
		v := parseIPQoS(arg)
		if v < 0 {
			return fmt.Sprintf("bad IPQoS value: %s", arg)
		}
		v2 := v
		if len(args) > 1 {
			if v2 = parseIPQoS(args[1]); v2 < 0 {
				return fmt.Sprintf("bad IPQoS value: %s", args[1])
			}
			used = 2
		}
		it.n = v
		it.x().n2 = v2
	case kRekeyLimit:
		return parseRekeyLimit(it, args)
	case kTunnelDevice:
		if arg == "" {
			return missing()
		}
		l, r := a2tun(arg, true)
		if l == tunIDErr {
			return "bad tun device"
		}
		it.n = l
		it.x().n2 = r
	case kStreamLocalBindMask:
		if arg == "" {
			return "missing StreamLocalBindMask argument"
		}
		v, ok := strtolPrefixOctal(arg)
		if !ok || v < 0 || v > 0o777 {
			return "bad mask"
		}
		it.n = int(v)
	case kLogLevel:
		n, v, ok := logLevel(arg)
		if !ok {
			return fmt.Sprintf("unsupported log level %q", arg)
		}
		it.s, it.n = n, v
	case kSyslogFacility:
		n, ok := canonicalWord(syslogFacilities, arg)
		if !ok {
			return fmt.Sprintf("unsupported log facility %q", arg)
		}
		it.s = n
	case kFingerprintHash:
		if arg == "" {
			return missing()
		}
		n, ok := canonicalWord(fingerprintHashes, arg)
		if !ok {
			return fmt.Sprintf("invalid hash algorithm %q", arg)
		}
		it.s = n
	case kPermittedCNAMEs:
		var list []string
		for i, a := range args {
			switch {
			case strings.EqualFold(a, "none"):
				if i > 0 || len(args) > 1 {
					return fmt.Sprintf("keyword %s \"none\" argument must appear alone", name)
				}
				list = append(list, a+":")
			case a == "*":
				list = append(list, "*:*")
			default:
				a = lowerASCII(a)
				src, dst, ok := strings.Cut(a, ":")
				if !ok || dst == "" {
					return fmt.Sprintf("invalid permitted CNAME %q", a)
				}
				list = append(list, src+":"+dst)
			}
		}
		it.x().list = list
		used = len(args)
	case kPermitRemoteOpen:
		if arg == "" {
			return fmt.Sprintf("missing %s specification", name)
		}
		if arg == "any" || arg == "none" {
			it.x().list = []string{arg}
			break
		}
		for _, a := range args {
			host, port, hasPort, ok := hpdelim(a)
			if !ok {
				return fmt.Sprintf("missing host in %s", name)
			}
			_ = cleanHostname(host)
			if !hasPort || (port != "*" && a2port(port) <= 0) {
				return fmt.Sprintf("bad port number in %s", name)
			}
		}
		it.x().list = args
		used = len(args)
	case kCiphers, kMACs, kKexAlgorithms, kKeyAlgorithms:
		if arg == "" {
			return missing()
		}
		al := algoLists[k.name]
		if arg[0] != '-' {
			v := arg
			if v[0] == '+' || v[0] == '^' {
				v = v[1:]
			}
			if !namesValid(v, al.all, al.wildcard) {
				return fmt.Sprintf("bad %s %q", k.name, arg)
			}
		}
		it.s = arg
	case kGSSKexAlgorithms:
		if arg == "" {
			return missing()
		}
		if !namesValid(arg, allGSSKex, false) {
			return fmt.Sprintf("bad GSSAPI KexAlgorithms %q", arg)
		}
		it.s = arg
	case kForwardAgent:
		if arg == "" {
			return missing()
		}
		if v, ok := stateValue(statesFlag, arg); ok {
			it.n = v
			break
		}
		if msg := p.checkAgentPath(arg); msg != "" {
			return msg
		}
		it.n = -2 // a socket path: forwarding on, through that socket
		it.s = arg
	case kIdentityAgent:
		if arg == "" {
			return missing()
		}
		if msg := p.checkAgentPath(arg); msg != "" {
			return msg
		}
		it.s = arg
	default:
		return fmt.Sprintf("unimplemented keyword %s", name)
	}
	if used < len(args) {
		return fmt.Sprintf("keyword %s extra arguments at end of line", name)
	}
	return ""
}

// stateValue looks a word up in a multi-state table, ignoring case.
func stateValue(states []mstate, word string) (int, bool) {
	for _, s := range states {
		if strings.EqualFold(s.word, word) {
			return s.value, true
		}
	}
	return 0, false
}

// stateName returns the word ssh -G prints for a multi-state value.
func stateName(states []mstate, v int) string {
	for _, s := range states {
		if s.value == v {
			return s.word
		}
	}
	return "UNKNOWN"
}

func yesNo(v int) string {
	switch v {
	case 0:
		return "no"
	case 1:
		return "yes"
	}
	return "UNKNOWN"
}

// strtolPrefixOctal parses a leading octal number as C's strtol(s, &end, 8)
// does, ignoring what follows the digits; ok is false without digits.
func strtolPrefixOctal(s string) (int64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	i := 0
	var v int64
	for i < len(t) && t[i] >= '0' && t[i] <= '7' {
		if v < 1<<40 {
			v = v*8 + int64(t[i]-'0')
		}
		i++
	}
	if i == 0 {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// checkAgentPath validates an IdentityAgent or ForwardAgent socket path as
// ssh does when reading the line: ${VAR} must be set, and the legacy $VAR
// form must name a valid variable.
func (p *parser) checkAgentPath(arg string) string {
	if _, err := expandDollar(arg, p.lookupEnv); err != nil {
		return fmt.Sprintf("invalid environment expansion %s", arg)
	}
	if len(arg) > 0 && arg[0] == '$' && (len(arg) < 2 || arg[1] != '{') && !validEnvName(arg[1:]) {
		return fmt.Sprintf("invalid environment name %s", arg)
	}
	return ""
}

// parseForwardLine handles LocalForward, RemoteForward and DynamicForward.
func (p *parser) parseForwardLine(it *item, args []string) string {
	if len(args) == 0 || args[0] == "" {
		return "missing argument"
	}
	remote := it.kw.kind == kRemoteForward
	dynamic := it.kw.kind == kDynamicForward
	used := 1
	spec := args[0]
	if !dynamic {
		if len(args) < 2 || args[1] == "" {
			if !remote {
				return "missing target argument"
			}
			dynamic = true
			if len(args) >= 2 {
				used = 2
			}
		} else {
			spec = args[0] + ":" + args[1]
			used = 2
		}
	}
	if len(spec) > 255 {
		spec = spec[:255] // OpenSSH's fixed 256-byte buffer
	}
	if used < len(args) {
		return fmt.Sprintf("keyword %s extra arguments at end of line", it.name)
	}
	expanded, err := expandDollar(spec, p.lookupEnv)
	if err != nil {
		return "bad forwarding specification"
	}
	fwd, ok := parseForward(expanded, dynamic, remote)
	if !ok {
		return "bad forwarding specification"
	}
	it.x().fwd = fwd
	return ""
}

// parseAddKeys handles AddKeysToAgent: yes/no/ask/confirm, optionally with
// a lifetime, or a bare lifetime.
func parseAddKeys(it *item, args []string) string {
	arg, arg2 := "", ""
	has2 := len(args) > 1
	if len(args) > 0 {
		arg = args[0]
	}
	if has2 {
		arg2 = args[1]
	}
	if len(args) > 2 {
		return fmt.Sprintf("keyword %s extra arguments at end of line", it.name)
	}
	v, ok := stateValue(statesAddKeys, arg)
	if !ok {
		v = -1
	}
	life := 0
	switch {
	case v == 3 && has2:
		if life = convtime(arg2); life < 0 {
			return "invalid time value"
		}
	case v == -1 && !has2:
		if life = convtime(arg); life < 0 {
			return "unsupported option"
		}
		v = 1
	case v == -1 || has2:
		return "unsupported option"
	}
	it.n = v
	it.x().n2 = life
	return ""
}

// parseRekeyLimit handles RekeyLimit: a data limit and an optional time.
func parseRekeyLimit(it *item, args []string) string {
	arg := args[0]
	var limit int64
	if arg != "default" {
		v, ok := scanScaled(arg)
		if !ok {
			return fmt.Sprintf("bad number %q", arg)
		}
		if v != 0 && v < 16 {
			return "RekeyLimit too small"
		}
		limit = v
	}
	x := it.x()
	x.n64 = limit
	x.n2 = -1
	if len(args) > 1 {
		if args[1] != "none" {
			t := convtime(args[1])
			if t < 0 {
				return "invalid time value"
			}
			x.n2 = t
		}
		if len(args) > 2 {
			return fmt.Sprintf("keyword %s extra arguments at end of line", it.name)
		}
	}
	return ""
}
