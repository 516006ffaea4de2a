# The pwsh this build runs is PowerShell's .NET tool package, which carries IL only, so every PowerShell method an
# Import-Module runs is JIT-compiled first. The packages admins install are ReadyToRun: PowerShell/PowerShell
# PowerShell.Common.props publishes Release builds of the self-contained deployment ReadyToRun (and turns it off for the
# framework-dependent one); tools/packaging/packaging.psm1 refuses a zip or tar.gz whose System.Management.Automation.dll
# is not ReadyToRun; .pipelines/templates/linux-package-build.yml packs the deb and rpm from that same linux build, and
# the Windows msix comes from the zip's. To measure the import as those admins see it, the Bench compiles this same
# pwsh's own assemblies ReadyToRun, as PowerShell's release build does, into a copy of its folder under out/.

function Test-ReadyToRunImage([string] $Path) {
    $stream = [IO.File]::OpenRead($Path)
    try {
        $reader = [Reflection.PortableExecutable.PEReader]::new($stream)
        $reader.HasMetadata -and $reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0
    }
    finally { $stream.Dispose() }
}

function Test-ManagedAssembly([string] $Path) {
    $stream = [IO.File]::OpenRead($Path)
    try { [Reflection.PortableExecutable.PEReader]::new($stream).HasMetadata }
    catch [BadImageFormatException] { $false }
    finally { $stream.Dispose() }
}

# A project with nothing of its own that references every managed assembly of a pwsh folder: publishing it ReadyToRun
# compiles each of them (the SDK compiles every managed assembly it publishes). Returns the project file's path.
function New-ReadyToRunPwshProject([string] $PwshHome, [string] $Directory) {
    $runtimeConfig = Get-Content (Join-Path $PwshHome 'pwsh.runtimeconfig.json') -Raw | ConvertFrom-Json
    $assemblies = Get-ChildItem -Path $PwshHome -Filter '*.dll' -File | Where-Object { Test-ManagedAssembly $_.FullName }
    $references = foreach ($assembly in $assemblies) {
        "    <Reference Include=`"$([Security.SecurityElement]::Escape($assembly.FullName))`" />"
    }
    $null = New-Item -ItemType Directory -Path $Directory -Force
    # Empty props files here end MSBuild's search upwards: the repository's own (warnings as errors, our version) are
    # for our projects, not for PowerShell's assemblies.
    foreach ($props in 'Directory.Build.props', 'Directory.Packages.props') { '<Project />' | Set-Content -Path (Join-Path $Directory $props) }
    $projectFile = Join-Path $Directory 'ReadyToRunPwsh.csproj'
    @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$($runtimeConfig.runtimeOptions.tfm)</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
  </PropertyGroup>
  <ItemGroup>
$($references -join [Environment]::NewLine)
  </ItemGroup>
</Project>
"@ | Set-Content -Path $projectFile
    $projectFile
}

# Returns the command line of a ReadyToRun copy of the running pwsh (built once per PowerShell version, then reused),
# or the running pwsh's own when it is already ReadyToRun (an installed release package).
function Get-ReadyToRunPwshCommandLine([string] $Root) {
    if (Test-ReadyToRunImage (Join-Path $PSHOME 'System.Management.Automation.dll')) { return Get-PwshCommandLine }
    $dotnet = (Get-Command dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    @($dotnet, (Get-ReadyToRunPwshCopy $Root))
}

function Get-ReadyToRunPwshCopy([string] $Root) {
    $target = Join-Path $Root 'out' 'pwsh-readytorun' "$($PSVersionTable.PSVersion)"
    $complete = Join-Path $target '.complete'
    if (Test-Path $complete) { return Join-Path $target 'pwsh.dll' }

    $work = Join-Path $Root 'out' 'pwsh-readytorun' 'build'
    if (Test-Path $work) { Remove-Item $work -Recurse -Force }
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    $project = New-ReadyToRunPwshProject -PwshHome $PSHOME -Directory (Join-Path $work 'project')
    $published = Join-Path $work 'published'
    Invoke-DotNet publish $project -c Release -r (Get-ReadyToRunRuntime) --self-contained false `
        '-p:PublishReadyToRun=true' -o $published --nologo -v quiet

    Copy-Item -Path $PSHOME -Destination $target -Recurse
    foreach ($assembly in Get-ChildItem -Path $target -Filter '*.dll' -File) {
        $compiled = Join-Path $published $assembly.Name
        if ((Test-Path $compiled) -and (Test-ReadyToRunImage $compiled)) { Copy-Item -Path $compiled -Destination $assembly.FullName -Force }
    }
    if (-not (Test-ReadyToRunImage (Join-Path $target 'System.Management.Automation.dll'))) {
        throw "ReadyToRun pwsh: System.Management.Automation.dll in $target is not ReadyToRun after the publish."
    }
    Remove-Item $work -Recurse -Force
    $null = New-Item -ItemType File -Path $complete
    Join-Path $target 'pwsh.dll'
}
