package config

// kind says how a keyword's arguments are parsed and how its values
// combine when several lines set it.
type kind uint8

const (
	kHost kind = iota
	kMatch
	kInclude
	kIgnore      // "Protocol": silently ignored
	kDeprecated  // accepted and ignored
	kUnsupported // accepted and ignored (ssh prints a warning)
	kFlag        // yes/no
	kMultistate  // one of a fixed set of words
	kInt
	kTime
	kString
	kCommand // the rest of the line, verbatim
	kPort
	kIdentityFile
	kCertificateFile
	kHostFiles // GlobalKnownHostsFile, UserKnownHostsFile
	kLocalForward
	kRemoteForward
	kDynamicForward
	kSendEnv
	kSetEnv
	kProxyJump
	kEscapeChar
	kControlPersist
	kAddKeysToAgent
	kIPQoS
	kRekeyLimit
	kTunnelDevice
	kStreamLocalBindMask
	kLogLevel
	kSyslogFacility
	kLogVerbose
	kCanonicalDomains
	kPermittedCNAMEs
	kPermitRemoteOpen
	kFingerprintHash
	kCiphers
	kMACs
	kKexAlgorithms
	kKeyAlgorithms
	kGSSKexAlgorithms
	kForwardAgent
	kIdentityAgent
)

// keyword describes one ssh_config keyword. name is the canonical
// (lower-case) name ssh -G prints; aliases map to the same *keyword.
type keyword struct {
	name   string
	kind   kind
	id     int
	states []mstate // for kMultistate: accepted words and their values
}

// mstate is one accepted word of a multi-state keyword; value groups
// synonyms (the first word with a value is the one ssh -G prints).
type mstate struct {
	word  string
	value int
}

var (
	statesFlag = []mstate{{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}}
	// statesYesNoAsk serves VerifyHostKeyDNS and UpdateHostKeys.
	statesYesNoAsk = []mstate{{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {"ask", 2}}
	statesStrict   = []mstate{{"true", 2}, {"false", 0}, {"yes", 2}, {"no", 0}, {"ask", 3}, {"off", 0}, {"accept-new", 1}}
	statesControl  = []mstate{{"true", 1}, {"yes", 1}, {"false", 0}, {"no", 0}, {"auto", 2}, {"ask", 3}, {"autoask", 4}}
	statesTunnel   = []mstate{{"ethernet", 2}, {"point-to-point", 1}, {"true", 1}, {"yes", 1}, {"false", 0}, {"no", 0}}
	statesTTY      = []mstate{{"true", 1}, {"yes", 1}, {"false", 0}, {"no", 0}, {"force", 2}, {"auto", 3}}
	statesSession  = []mstate{{"none", 0}, {"subsystem", 1}, {"default", 2}}
	statesCanon    = []mstate{{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {"always", 2}}
	statesPubkey   = []mstate{{"true", 3}, {"false", 0}, {"yes", 3}, {"no", 0}, {"unbound", 1}, {"host-bound", 2}}
	statesCompress = []mstate{{"yes", 1}, {"no", 0}}
	statesAF       = []mstate{{"inet", 2}, {"inet6", 10}, {"any", 0}}
	statesAddKeys  = []mstate{{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {"ask", 2}, {"confirm", 3}}
)

// keywordDefs lists every keyword OpenSSH 9.2p1 (Debian build, with its
// GSSAPI key exchange patch) accepts in a client configuration. The first
// entry of a name is canonical; later entries with the same canonical name
// are aliases.
var keywordDefs = []struct {
	name, canon string
	kind        kind
	states      []mstate
}{
	{"protocol", "", kIgnore, nil},
	{"cipher", "", kDeprecated, nil},
	{"fallbacktorsh", "", kDeprecated, nil},
	{"globalknownhostsfile2", "", kDeprecated, nil},
	{"rhostsauthentication", "", kDeprecated, nil},
	{"userknownhostsfile2", "", kDeprecated, nil},
	{"useroaming", "", kDeprecated, nil},
	{"usersh", "", kDeprecated, nil},
	{"useprivilegedport", "", kDeprecated, nil},
	{"useblacklistedkeys", "", kDeprecated, nil},
	{"afstokenpassing", "", kUnsupported, nil},
	{"kerberosauthentication", "", kUnsupported, nil},
	{"kerberostgtpassing", "", kUnsupported, nil},
	{"rsaauthentication", "", kUnsupported, nil},
	{"rhostsrsaauthentication", "", kUnsupported, nil},
	{"compressionlevel", "", kUnsupported, nil},

	{"gssapiauthentication", "", kFlag, nil},
	{"gssapikeyexchange", "", kFlag, nil},
	{"gssapidelegatecredentials", "", kFlag, nil},
	{"gssapitrustdns", "", kFlag, nil},
	{"gssapirenewalforcesrekey", "", kFlag, nil},
	{"gssapiclientidentity", "", kString, nil},
	{"gssapiserveridentity", "", kString, nil},
	{"gssapikexalgorithms", "", kGSSKexAlgorithms, nil},
	{"pkcs11provider", "", kString, nil},
	{"smartcarddevice", "pkcs11provider", kString, nil},

	{"forwardagent", "", kForwardAgent, nil},
	{"forwardx11", "", kFlag, nil},
	{"forwardx11trusted", "", kFlag, nil},
	{"forwardx11timeout", "", kTime, nil},
	{"exitonforwardfailure", "", kFlag, nil},
	{"xauthlocation", "", kString, nil},
	{"gatewayports", "", kFlag, nil},
	{"passwordauthentication", "", kFlag, nil},
	{"kbdinteractiveauthentication", "", kFlag, nil},
	{"kbdinteractivedevices", "", kString, nil},
	{"challengeresponseauthentication", "kbdinteractiveauthentication", kFlag, nil},
	{"skeyauthentication", "kbdinteractiveauthentication", kFlag, nil},
	{"tisauthentication", "kbdinteractiveauthentication", kFlag, nil},
	{"pubkeyauthentication", "", kMultistate, statesPubkey},
	{"dsaauthentication", "pubkeyauthentication", kMultistate, statesPubkey},
	{"hostbasedauthentication", "", kFlag, nil},
	{"identityfile", "", kIdentityFile, nil},
	{"identityfile2", "identityfile", kIdentityFile, nil},
	{"identitiesonly", "", kFlag, nil},
	{"certificatefile", "", kCertificateFile, nil},
	{"addkeystoagent", "", kAddKeysToAgent, nil},
	{"identityagent", "", kIdentityAgent, nil},
	{"hostname", "", kString, nil},
	{"hostkeyalias", "", kString, nil},
	{"proxycommand", "", kCommand, nil},
	{"port", "", kPort, nil},
	{"ciphers", "", kCiphers, nil},
	{"macs", "", kMACs, nil},
	{"remoteforward", "", kRemoteForward, nil},
	{"localforward", "", kLocalForward, nil},
	{"permitremoteopen", "", kPermitRemoteOpen, nil},
	{"user", "", kString, nil},
	{"host", "", kHost, nil},
	{"match", "", kMatch, nil},
	{"escapechar", "", kEscapeChar, nil},
	{"globalknownhostsfile", "", kHostFiles, nil},
	{"userknownhostsfile", "", kHostFiles, nil},
	{"connectionattempts", "", kInt, nil},
	{"batchmode", "", kFlag, nil},
	{"checkhostip", "", kFlag, nil},
	{"stricthostkeychecking", "", kMultistate, statesStrict},
	{"compression", "", kMultistate, statesCompress},
	{"tcpkeepalive", "", kFlag, nil},
	{"keepalive", "tcpkeepalive", kFlag, nil},
	{"numberofpasswordprompts", "", kInt, nil},
	{"syslogfacility", "", kSyslogFacility, nil},
	{"loglevel", "", kLogLevel, nil},
	{"logverbose", "", kLogVerbose, nil},
	{"dynamicforward", "", kDynamicForward, nil},
	{"preferredauthentications", "", kString, nil},
	{"hostkeyalgorithms", "", kKeyAlgorithms, nil},
	{"casignaturealgorithms", "", kKeyAlgorithms, nil},
	{"bindaddress", "", kString, nil},
	{"bindinterface", "", kString, nil},
	{"clearallforwardings", "", kFlag, nil},
	{"enablesshkeysign", "", kFlag, nil},
	{"verifyhostkeydns", "", kMultistate, statesYesNoAsk},
	{"nohostauthenticationforlocalhost", "", kFlag, nil},
	{"rekeylimit", "", kRekeyLimit, nil},
	{"connecttimeout", "", kTime, nil},
	{"addressfamily", "", kMultistate, statesAF},
	{"serveraliveinterval", "", kTime, nil},
	{"protocolkeepalives", "serveraliveinterval", kTime, nil},
	{"setuptimeout", "serveraliveinterval", kTime, nil},
	{"serveralivecountmax", "", kInt, nil},
	{"sendenv", "", kSendEnv, nil},
	{"setenv", "", kSetEnv, nil},
	{"controlpath", "", kString, nil},
	{"controlmaster", "", kMultistate, statesControl},
	{"controlpersist", "", kControlPersist, nil},
	{"hashknownhosts", "", kFlag, nil},
	{"include", "", kInclude, nil},
	{"tunnel", "", kMultistate, statesTunnel},
	{"tunneldevice", "", kTunnelDevice, nil},
	{"localcommand", "", kCommand, nil},
	{"permitlocalcommand", "", kFlag, nil},
	{"remotecommand", "", kCommand, nil},
	{"visualhostkey", "", kFlag, nil},
	{"kexalgorithms", "", kKexAlgorithms, nil},
	{"ipqos", "", kIPQoS, nil},
	{"requesttty", "", kMultistate, statesTTY},
	{"sessiontype", "", kMultistate, statesSession},
	{"stdinnull", "", kFlag, nil},
	{"forkafterauthentication", "", kFlag, nil},
	{"proxyusefdpass", "", kFlag, nil},
	{"canonicaldomains", "", kCanonicalDomains, nil},
	{"canonicalizefallbacklocal", "", kFlag, nil},
	{"canonicalizehostname", "", kMultistate, statesCanon},
	{"canonicalizemaxdots", "", kInt, nil},
	{"canonicalizepermittedcnames", "", kPermittedCNAMEs, nil},
	{"streamlocalbindmask", "", kStreamLocalBindMask, nil},
	{"streamlocalbindunlink", "", kFlag, nil},
	{"revokedhostkeys", "", kString, nil},
	{"fingerprinthash", "", kFingerprintHash, nil},
	{"updatehostkeys", "", kMultistate, statesYesNoAsk},
	{"hostbasedacceptedalgorithms", "", kKeyAlgorithms, nil},
	{"hostbasedkeytypes", "hostbasedacceptedalgorithms", kKeyAlgorithms, nil},
	{"pubkeyacceptedalgorithms", "", kKeyAlgorithms, nil},
	{"pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", kKeyAlgorithms, nil},
	{"ignoreunknown", "", kString, nil},
	{"proxyjump", "", kProxyJump, nil},
	{"securitykeyprovider", "", kString, nil},
	{"knownhostscommand", "", kCommand, nil},
	{"requiredrsasize", "", kInt, nil},
	{"enableescapecommandline", "", kFlag, nil},
}

// keywordTable maps every accepted keyword (lower case, aliases included)
// to its description; keywordByID lists canonical keywords by id. Both are
// built once and only read afterwards.
var keywordTable, keywordByID = buildKeywordTable()

func buildKeywordTable() (map[string]*keyword, []*keyword) {
	table := make(map[string]*keyword, len(keywordDefs))
	var byID []*keyword
	for _, d := range keywordDefs {
		if d.canon != "" {
			table[d.name] = table[d.canon]
			continue
		}
		k := &keyword{name: d.name, kind: d.kind, id: len(byID), states: d.states}
		if k.kind == kFlag {
			k.states = statesFlag
		}
		byID = append(byID, k)
		table[d.name] = k
	}
	return table, byID
}

// lookupKeyword returns the description of a lower-case keyword, or nil.
func lookupKeyword(name string) *keyword { return keywordTable[name] }

// keywordNames maps each accepted keyword to itself, so a lower-cased
// keyword can be stored without allocating.
var keywordNames = func() map[string]string {
	m := make(map[string]string, len(keywordTable))
	for k := range keywordTable {
		m[k] = k
	}
	return m
}()

// lookupKeywordFold finds a keyword ignoring ASCII case. It returns the
// keyword (nil if unknown) and its lower-case spelling.
func lookupKeywordFold(word string) (*keyword, string) {
	var buf [48]byte
	if len(word) <= len(buf) {
		b := buf[:len(word)]
		for i := 0; i < len(word); i++ {
			c := word[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		if name, ok := keywordNames[string(b)]; ok {
			return keywordTable[name], name
		}
	}
	name := lowerASCII(word)
	return keywordTable[name], name
}

// kw returns the canonical keyword for name; it panics on a name missing
// from the table, which is a programming error caught by the tests.
func kw(name string) *keyword {
	k := keywordTable[name]
	if k == nil {
		panic("config: no keyword " + name)
	}
	return k
}

// Ids of keywords the resolver treats specially.
var (
	idHostname          = kw("hostname").id
	idUser              = kw("user").id
	idPort              = kw("port").id
	idIgnoreUnknown     = kw("ignoreunknown").id
	idProxyCommand      = kw("proxycommand").id
	idCanonicalize      = kw("canonicalizehostname").id
	idCanonMaxDots      = kw("canonicalizemaxdots").id
	idCanonFallback     = kw("canonicalizefallbacklocal").id
	idCanonDomains      = kw("canonicaldomains").id
	idPermittedCNAMEs   = kw("canonicalizepermittedcnames").id
	idHostKeyAlias      = kw("hostkeyalias").id
	idUserKnownHosts    = kw("userknownhostsfile").id
	idGlobalKnownHosts  = kw("globalknownhostsfile").id
	idVerifyHostKeyDNS  = kw("verifyhostkeydns").id
	idUpdateHostKeys    = kw("updatehostkeys").id
	idRemoteCommand     = kw("remotecommand").id
	idControlPath       = kw("controlpath").id
	idIdentityAgent     = kw("identityagent").id
	idClearForwardings  = kw("clearallforwardings").id
	idTunnel            = kw("tunnel").id
	idConnectionAttempt = kw("connectionattempts").id
	idForkAfterAuth     = kw("forkafterauthentication").id
	idSessionType       = kw("sessiontype").id
	idRequestTTY        = kw("requesttty").id
	idControlPersist    = kw("controlpersist").id
	idLogLevel          = kw("loglevel").id
	idProxyUseFdpass    = kw("proxyusefdpass").id
	idSyslogFacility    = kw("syslogfacility").id
	idStreamLocalMask   = kw("streamlocalbindmask").id
	idSecurityKeyProv   = kw("securitykeyprovider").id
	idForwardAgent      = kw("forwardagent").id
)
