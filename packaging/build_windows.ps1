# Builds the Windows installer on a Windows machine, from a checkout of this project:
# a venv with the program and PyInstaller, the one-folder build (packaging/inspector.spec), its
# self-test, then makensis (packaging/installer.nsi). The result: dist\FireRiskInspector-Setup-<version>.exe
#
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1
#
# Needs Python 3.12 (python.org installer, with the py launcher) and NSIS 3 (makensis on PATH or in its
# default folder). See README.md, "Building the Windows installer".
$ErrorActionPreference = "Stop"
Set-Location (Split-Path $PSScriptRoot -Parent)

function Invoke-Checked([string]$what, [scriptblock]$block) {
    & $block
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" }
}

if (-not (Test-Path .venv\Scripts\python.exe)) { Invoke-Checked "venv" { py -3.12 -m venv .venv } }
Invoke-Checked "pip" { .venv\Scripts\python -m pip install --upgrade pip }
Invoke-Checked "install" { .venv\Scripts\python -m pip install ".[build]" }

$started = Get-Date
Invoke-Checked "PyInstaller" { .venv\Scripts\python -m PyInstaller --noconfirm --clean packaging\inspector.spec }
$seconds = [int]((Get-Date) - $started).TotalSeconds

# The console twin runs the self-test (the windowed FireRiskInspector.exe has no console to print to).
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked "self-test" { dist\FireRiskInspector\inspector-app.exe --self-test }
Remove-Item Env:QT_QPA_PLATFORM

$version = (Select-String -Path pyproject.toml -Pattern '^version = "(.*)"').Matches[0].Groups[1].Value
$makensis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $makensis) { $makensis = Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe" }
$out = Join-Path $PWD "dist\FireRiskInspector-Setup-$version.exe"
Invoke-Checked "makensis" {
    & $makensis "/DAPP_VERSION=$version" "/DPAYLOAD_DIR=$PWD\dist\FireRiskInspector" "/DOUT_FILE=$out" packaging\installer.nsi
}
$size = [math]::Round((Get-ChildItem dist\FireRiskInspector -Recurse | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "PyInstaller: $seconds s; folder: $size MB; installer: $out"
