; Berth's additions to electron-builder's NSIS installer (nsis.include in electron-builder.yml).
; The service work itself is Berth.exe's own (--berth-service-install / --berth-service-uninstall, the
; same code as `berth-agent service install|uninstall`): the installer only asks, and elevates.
; The install copies this folder into %ProgramData%\Berth\service\bin (administrators only) and the
; service runs that copy as NT SERVICE\berth-agent, never this user-writable folder. The user is
; named explicitly: an administrator who approves the prompt with their own account still lets this
; user's tray (and no one else's) read the service's token.

!ifndef BUILD_UNINSTALLER
  Var BerthServiceWasInstalled
!endif

!macro berthServiceCommand FLAG
  ReadEnvStr $R8 USERDOMAIN
  ReadEnvStr $R7 USERNAME
  ExecShellWait "runas" "$INSTDIR\${APP_EXECUTABLE_FILENAME}" '${FLAG} --user "$R8\$R7"' SW_HIDE
!macroend

; Before the files are replaced: the service runs a copy of this folder, so an update removes it first
; (its slots stop with their shutdown commands and keep their desired state) and installs it again after,
; which copies the new version.
!macro customInit
  StrCpy $BerthServiceWasInstalled "0"
  nsExec::Exec '"$SYSDIR\sc.exe" query berth-agent'
  Pop $R9
  ${if} $R9 == "0"
  ${andIf} ${FileExists} "$INSTDIR\${APP_EXECUTABLE_FILENAME}"
    StrCpy $BerthServiceWasInstalled "1"
    !insertmacro berthServiceCommand "--berth-service-uninstall"
  ${endIf}
!macroend

!macro customInstall
  ${if} $BerthServiceWasInstalled == "1"
    !insertmacro berthServiceCommand "--berth-service-install"
  ${elseIfNot} ${Silent}
  ${andIfNot} ${isUpdated}
    MessageBox MB_YESNO|MB_ICONQUESTION "Run Berth as a Windows service?$\r$\n$\r$\nYour slots then come back when this machine starts, before anyone logs in. The service has its own storage and starts with no slots. Windows will ask for administrator rights. You can also switch this on later in Berth's Settings." /SD IDNO IDNO berthNoService
      !insertmacro berthServiceCommand "--berth-service-install"
    berthNoService:
  ${endIf}
!macroend

; A real uninstall (not the one an update runs): remove the service, and delete the data only if asked.
!macro customUnInstall
  ${ifNot} ${isUpdated}
    nsExec::Exec '"$SYSDIR\sc.exe" query berth-agent'
    Pop $R9
    ${if} $R9 == "0"
      !insertmacro berthServiceCommand "--berth-service-uninstall"
    ${endIf}
    ${ifNot} ${Silent}
      MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "Also delete Berth's data?$\r$\n$\r$\nThis removes every slot's working copies, deployments, logs and settings in $APPDATA\Berth. Choose No to keep them for a later install." /SD IDNO IDNO berthKeepData
        RMDir /r "$APPDATA\Berth"
      berthKeepData:
      ; The service's own storage (%ProgramData%\Berth) is for an administrator to delete: this user cannot.
    ${endIf}
  ${endIf}
!macroend
