; The Windows installer of Fire-Risk Inspector (NSIS 3, Unicode, 64-bit), made from the PyInstaller
; one-folder build (packaging/inspector.spec).
;
; Per user, no administrator: the program goes to %LOCALAPPDATA%\Programs\Fire-Risk Inspector, with a
; Start-menu entry, .fribundle files (sync bundles, `bundle export`) opening in the program, and an
; entry in Settings > Apps. The uninstaller removes the program, its menu entry and its registry keys
; and never the user's data (%LOCALAPPDATA%\FireRiskInspector: ledgers, photos, settings, logs).
;
;   makensis -DAPP_VERSION=0.1.0 -DPAYLOAD_DIR=dist\FireRiskInspector [-DOUT_FILE=Setup.exe] packaging\installer.nsi
;
; Silent: Setup.exe /S [/D=C:\Other\Folder]; Uninstall.exe /S.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef APP_VERSION
  !error "Give the version: -DAPP_VERSION=x.y.z"
!endif
!ifndef PAYLOAD_DIR
  !error "Give the one-folder build: -DPAYLOAD_DIR=dist\FireRiskInspector"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "FireRiskInspector-Setup-${APP_VERSION}.exe"
!endif

!define APP_NAME "Fire-Risk Inspector"
!define APP_ID "FireRiskInspector"
!define APP_EXE "FireRiskInspector.exe"
!define BUNDLE_EXT ".fribundle"
!define BUNDLE_PROGID "FireRiskInspector.Bundle"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
; Where platformdirs puts the user's data on Windows (inspector_app/paths.py): named, never removed.
!define DATA_DIR "$LOCALAPPDATA\${APP_ID}"

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "Software\${APP_ID}" "InstallDir"
BrandingText "${APP_NAME} ${APP_VERSION}"

VIProductVersion "${APP_VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${APP_VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${APP_VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} Setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "${APP_NAME}"

!include "MUI2.nsh"
!define MUI_ICON "${__FILEDIR__}\icon.ico"
!define MUI_UNICON "${__FILEDIR__}\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!define MUI_UNCONFIRMPAGE_TEXT_TOP "$(KeepsData)"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Chinese first: the installer follows the language of Windows, Chinese where it is not English.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString BundleType ${LANG_SIMPCHINESE} "消防隐患巡检数据包"
LangString BundleType ${LANG_ENGLISH} "Fire-Risk Inspector bundle"
LangString KeepsData ${LANG_SIMPCHINESE} "将卸载程序本身。您的台账、照片和设置保留在 ${DATA_DIR}，不会被删除。"
LangString KeepsData ${LANG_ENGLISH} "This removes the program. Your ledgers, photos and settings stay in ${DATA_DIR}; they are not deleted."

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "-Program"
  ; An older version's program files go first, so none of them lingers beside the new ones.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD_DIR}\*"
  File "/oname=$INSTDIR\${APP_ID}.ico" "${__FILEDIR__}\icon.ico"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "Software\${APP_ID}" "InstallDir" "$INSTDIR"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_ID}.ico" 0

  ; Double-clicking a bundle opens it in the program (per user: HKCU\Software\Classes).
  WriteRegStr HKCU "Software\Classes\${BUNDLE_EXT}" "" "${BUNDLE_PROGID}"
  WriteRegStr HKCU "Software\Classes\${BUNDLE_PROGID}" "" "$(BundleType)"
  WriteRegStr HKCU "Software\Classes\${BUNDLE_PROGID}\DefaultIcon" "" "$INSTDIR\${APP_ID}.ico,0"
  WriteRegStr HKCU "Software\Classes\${BUNDLE_PROGID}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; SHCNE_ASSOCCHANGED

  ; Settings > Apps: name, version, where, and how to remove it.
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${APP_VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_ID}.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Only what the installer put there: the folder is removed only if nothing else is left in it,
  ; and the data folder (${DATA_DIR}) is not touched at all.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\inspector-app.exe"
  Delete "$INSTDIR\${APP_ID}.ico"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"

  ; The association goes only if it is still ours (another program may have taken .fribundle since).
  ReadRegStr $0 HKCU "Software\Classes\${BUNDLE_EXT}" ""
  StrCmp $0 "${BUNDLE_PROGID}" 0 +2
    DeleteRegKey HKCU "Software\Classes\${BUNDLE_EXT}"
  DeleteRegKey HKCU "Software\Classes\${BUNDLE_PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP_ID}"
SectionEnd
