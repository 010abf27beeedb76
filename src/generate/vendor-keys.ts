// THE VENDOR-SETTINGS TABLE: every [Unit] and [Service] key systemd 252 knows
// (`systemd --dump-configuration-items`), and what a sandbox's unit makes of the
// service's own assignment of it. Copied: acts inside the sandbox, or only
// restricts it. Translated: acts in the host's view or past the unit's cgroup
// (vendor-translations.ts). Dropped: meaningless or harmful in a sandbox.
// Refused: the unit cannot be sandboxed as it is; create says why and writes nothing.
// A key not in the table (a newer systemd's, a typo) is dropped, and create says so:
// copying an unknown key could hand the service something that acts on the host.
import { copy, drop, refuse, translate, type Rule } from './vendor-rules.js';
import * as t from './vendor-translations.js';

const copied = (keys: string): Record<string, Rule> => Object.fromEntries(keys.split(/\s+/).filter(Boolean).map((k) => [k, copy]));
const same = (keys: string, rule: Rule): Record<string, Rule> => Object.fromEntries(keys.split(/\s+/).filter(Boolean).map((k) => [k, rule]));

const NO_HOST_ACTIONS = 'a sandbox must not reboot, power off or exit the host';
const HOST_IMAGES = "names a host root or image for the service, where the sandbox's tree must be its root";

export const UNIT_KEYS: Record<string, Rule> = {
  // Description= is rewritten by renderService; the rest orders, pulls in or conditions the unit.
  ...copied(`Description Documentation After Before Wants Requires Requisite BindsTo BindTo PartOf Upholds
    Conflicts OnFailure OnSuccess OnFailureJobMode OnSuccessJobMode OnFailureIsolate RequiresOverridable
    RequisiteOverridable PropagatesReloadTo PropagateReloadTo ReloadPropagatedFrom PropagateReloadFrom
    PropagatesStopTo StopPropagatedFrom RequiresMountsFor DefaultDependencies RefuseManualStart RefuseManualStop
    AllowIsolate IgnoreOnIsolate StopWhenUnneeded CollectMode JobTimeoutSec JobRunningTimeoutSec SourcePath
    StartLimitIntervalSec StartLimitInterval StartLimitBurst`),
  // Conditions and assertions are checked by systemd in the host's view: they only decide whether it starts.
  ...copied(`ConditionACPower ConditionArchitecture ConditionCPUFeature ConditionCPUPressure ConditionCPUs
    ConditionCapability ConditionControlGroupController ConditionCredential ConditionDirectoryNotEmpty
    ConditionEnvironment ConditionFileIsExecutable ConditionFileNotEmpty ConditionFirmware ConditionFirstBoot
    ConditionGroup ConditionHost ConditionIOPressure ConditionKernelCommandLine ConditionKernelVersion
    ConditionMemory ConditionMemoryPressure ConditionNeedsUpdate ConditionOSRelease ConditionPathExists
    ConditionPathExistsGlob ConditionPathIsDirectory ConditionPathIsEncrypted ConditionPathIsMountPoint
    ConditionPathIsReadWrite ConditionPathIsSymbolicLink ConditionSecurity ConditionUser ConditionVirtualization
    AssertACPower AssertArchitecture AssertCPUFeature AssertCPUPressure AssertCPUs AssertCapability
    AssertControlGroupController AssertCredential AssertDirectoryNotEmpty AssertEnvironment AssertFileIsExecutable
    AssertFileNotEmpty AssertFirstBoot AssertGroup AssertHost AssertIOPressure AssertKernelCommandLine
    AssertKernelVersion AssertMemory AssertMemoryPressure AssertNeedsUpdate AssertOSRelease AssertPathExists
    AssertPathExistsGlob AssertPathIsDirectory AssertPathIsEncrypted AssertPathIsMountPoint AssertPathIsReadWrite
    AssertPathIsSymbolicLink AssertSecurity AssertUser AssertVirtualization`),
  ...same('FailureAction SuccessAction StartLimitAction JobTimeoutAction RebootArgument JobTimeoutRebootArgument FailureActionExitStatus SuccessActionExitStatus', drop(NO_HOST_ACTIONS)),
  JoinsNamespaceOf: refuse("joins the network, IPC and /tmp namespaces of a host unit"),
};

export const SERVICE_KEYS: Record<string, Rule> = {
  // Commands run inside the namespace (their program is looked up there); '+' would run one outside.
  ...same('ExecStart ExecStartPre ExecStartPost ExecCondition ExecReload ExecStop ExecStopPost', translate(t.execLine)),
  PermissionsStartOnly: drop("its control commands run as '!' instead (as the sandbox's root, inside it)"),
  Type: translate(t.serviceType),
  BusName: translate(t.busName),
  PIDFile: drop(
    "systemd 252 trusts a root-owned PID file naming a process outside the unit (service_load_pid_file); the main PID is guessed within the unit's cgroup instead (GuessMainPID=)",
  ),
  NotifyAccess: drop('a sandbox gets no notify socket: systemd 252 takes MAINPID= of any process from a root sender'),
  WatchdogSec: drop('watchdog pings need the notify socket, which a sandbox does not get'),
  FileDescriptorStoreMax: drop('the file descriptor store needs the notify socket, which a sandbox does not get'),
  KillMode: translate(t.killMode),
  SendSIGKILL: translate(t.sendSigkill),
  Delegate: translate(t.delegate),
  Sockets: drop('socket units of the host are not the sandbox’s'),
  ...copied(`KillSignal RestartKillSignal FinalKillSignal SendSIGHUP WatchdogSignal GuessMainPID RemainAfterExit
    Restart RestartSec RestartPreventExitStatus RestartForceExitStatus SuccessExitStatus ExitType OOMPolicy
    TimeoutSec TimeoutStartSec TimeoutStopSec TimeoutAbortSec TimeoutCleanSec TimeoutStartFailureMode
    TimeoutStopFailureMode RuntimeMaxSec RuntimeRandomizedExtraSec StartLimitInterval StartLimitBurst`),
  ...same('FailureAction StartLimitAction RebootArgument', drop(NO_HOST_ACTIONS)),

  // Who it runs as: resolved in the host's user database, as for the host's own service.
  ...copied('User Group SupplementaryGroups PrivateUsers'),
  DynamicUser: translate(t.dynamicUser),
  PAMName: refuse('a PAM session is opened for it on the host (logind, limits, keyrings)'),
  ...same('UtmpIdentifier UtmpMode', drop("writes the host's utmp/wtmp")),
  KeyringMode: translate(() => ({ kind: 'lines', lines: [{ key: 'KeyringMode', value: 'private' }] })),

  // Paths: the private /run, the tree's copies, and nothing else writable.
  ...same('ReadWritePaths ReadWriteDirectories', translate(t.readWritePaths)),
  ...same('BindPaths BindReadOnlyPaths', translate(t.bindPaths)),
  ...copied('ReadOnlyPaths ReadOnlyDirectories InaccessiblePaths InaccessibleDirectories ExecPaths NoExecPaths TemporaryFileSystem'),
  ...same('RootDirectory RootImage RootImageOptions RootHash RootHashSignature RootVerity MountImages ExtensionImages ExtensionDirectories', refuse(HOST_IMAGES)),
  RootDirectoryStartOnly: drop('no RootDirectory= in a sandbox'),
  RuntimeDirectory: translate(t.runtimeDirectory),
  RuntimeDirectoryPreserve: drop("the sandbox's /run goes when it stops"),
  ...same('StateDirectory CacheDirectory LogsDirectory ConfigurationDirectory', translate(t.hostDirectory)),
  ...copied('RuntimeDirectoryMode StateDirectoryMode CacheDirectoryMode LogsDirectoryMode ConfigurationDirectoryMode'),
  ...copied('WorkingDirectory UMask MountFlags MountAPIVFS PrivateMounts'),

  // Environment: literal values are copied; a file is read by systemd on the host.
  ...copied('Environment PassEnvironment UnsetEnvironment'),
  EnvironmentFile: translate(t.environmentFile),
  ...same('LoadCredential LoadCredentialEncrypted', refuse('systemd reads the credential as host root and hands it to the service')),
  ...copied('SetCredential SetCredentialEncrypted'),

  // Namespaces the sandbox decides.
  PrivateNetwork: translate(t.privateNetwork),
  ...same('NetworkNamespacePath IPCNamespacePath', refuse("joins a namespace of the host's")),
  SELinuxContext: drop("the sandbox's drop-in gives it its own label"),
  ...copied(`PrivateTmp PrivateDevices PrivateIPC ProtectSystem ProtectHome ProtectHostname ProtectClock
    ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectProc ProcSubset
    AppArmorProfile SmackProcessLabel`),

  // Limits and hardening: they act on the service's own processes.
  ...copied(`CapabilityBoundingSet AmbientCapabilities SecureBits NoNewPrivileges SystemCallFilter
    SystemCallArchitectures SystemCallErrorNumber SystemCallLog RestrictAddressFamilies RestrictNamespaces
    RestrictRealtime RestrictSUIDSGID RestrictFileSystems RestrictNetworkInterfaces LockPersonality
    MemoryDenyWriteExecute Personality RemoveIPC IgnoreSIGPIPE NonBlocking TimerSlackNSec CoredumpFilter
    Nice OOMScoreAdjust IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy CPUSchedulingPriority
    CPUSchedulingResetOnFork CPUAffinity NUMAPolicy NUMAMask ExecSearchPath
    LimitAS LimitCORE LimitCPU LimitDATA LimitFSIZE LimitLOCKS LimitMEMLOCK LimitMSGQUEUE LimitNICE LimitNOFILE
    LimitNPROC LimitRSS LimitRTPRIO LimitRTTIME LimitSIGPENDING LimitSTACK`),
  // cgroup settings of the unit's own cgroup.
  ...copied(`Slice CPUAccounting CPUWeight StartupCPUWeight CPUShares StartupCPUShares CPUQuota CPUQuotaPeriodSec
    AllowedCPUs StartupAllowedCPUs AllowedMemoryNodes StartupAllowedMemoryNodes MemoryAccounting MemoryMin
    MemoryLow DefaultMemoryMin DefaultMemoryLow MemoryHigh MemoryMax MemorySwapMax MemoryLimit TasksAccounting
    TasksMax IOAccounting IOWeight StartupIOWeight IODeviceWeight IOReadBandwidthMax IOWriteBandwidthMax
    IOReadIOPSMax IOWriteIOPSMax IODeviceLatencyTargetSec BlockIOAccounting BlockIOWeight StartupBlockIOWeight
    BlockIODeviceWeight BlockIOReadBandwidth BlockIOWriteBandwidth IPAccounting IPAddressAllow IPAddressDeny
    IPIngressFilterPath IPEgressFilterPath BPFProgram SocketBindAllow SocketBindDeny DeviceAllow DevicePolicy
    DisableControllers ManagedOOMSwap ManagedOOMMemoryPressure ManagedOOMMemoryPressureLimit ManagedOOMPreference`),

  // Logging and terminals.
  ...copied('SyslogIdentifier SyslogFacility SyslogLevel SyslogLevelPrefix LogLevelMax LogExtraFields LogRateLimitIntervalSec LogRateLimitBurst LogNamespace StandardInputText StandardInputData'),
  ...same('StandardOutput StandardError', translate(t.standardOutput)),
  StandardInput: translate(t.standardInput),
  TTYPath: refuse('systemd opens that terminal of the host as root'),
  ...same('TTYReset TTYVHangup TTYVTDisallocate TTYRows TTYColumns', drop('no host terminal in a sandbox')),
  ...same('USBFunctionDescriptors USBFunctionStrings', refuse("writes the host's USB gadget functions")),
};

export const VENDOR_KEYS: Record<'Unit' | 'Service', Record<string, Rule>> = { Unit: UNIT_KEYS, Service: SERVICE_KEYS };
