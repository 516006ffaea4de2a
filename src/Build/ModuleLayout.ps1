# Compiles the module and lays out out/EckRemoteCluster/<version>/ from explicit file lists, so a missing file fails
# the build instead of shipping a module that breaks on first use.

# The engine's run-time closure. Framework assemblies (System.*) are deliberately absent: the engine's load context
# takes them from the running .NET. A dependency update that changes this set must change this list too.
$script:EngineFiles = @(
    'EckRemoteCluster.Engine.dll'
    'KubernetesClient.dll'
    'Fractions.dll'
    'Elastic.Transport.dll'
    'YamlDotNet.dll'
)

function Get-ModuleVersion([string] $Root) {
    (Import-PowerShellDataFile (Join-Path $Root 'EckRemoteCluster.psd1')).ModuleVersion
}

function Get-ModuleOutputPath([string] $Root) {
    Join-Path $Root 'out' 'EckRemoteCluster' (Get-ModuleVersion $Root)
}

# A plain (not advanced) function on purpose: dotnet's own -v must not bind to -Verbose.
function Invoke-DotNet {
    # No child may wait on our standard input (CI has none): give dotnet an empty one of its own.
    $null | & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

# ReadyToRun: native code compiled ahead of time next to the IL, so import and the engine's first call skip most JIT
# work (figures in docs/performance.md). The image carries its IL too: on another OS or CPU the runtime ignores the
# native code and JIT-compiles as before, so one layout still serves Linux, macOS and Windows.
function Get-ReadyToRunRuntime {
    $arch = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    "$os-$arch"
}

function Publish-ReadyToRun([string] $Root, [string] $Project, [string] $Configuration) {
    $output = Join-Path $Root 'out' 'publish' $Project
    $projectFile = Join-Path $Root "src/$Project/$Project.csproj"
    Invoke-DotNet publish $projectFile -c $Configuration -r (Get-ReadyToRunRuntime) --self-contained false `
        '-p:PublishReadyToRun=true' -o $output --nologo -v quiet
    $output
}

function Invoke-ModuleBuild {
    param([string] $Root, [string] $Configuration)

    # Tests compile against the plain build; the module ships ReadyToRun images of the same code, published apart.
    Invoke-DotNet build (Join-Path $Root 'src/EckRemoteCluster.Engine/EckRemoteCluster.Engine.csproj') -c $Configuration --nologo -v quiet
    $moduleBin = Publish-ReadyToRun -Root $Root -Project 'EckRemoteCluster' -Configuration $Configuration
    $engineBin = Publish-ReadyToRun -Root $Root -Project 'EckRemoteCluster.Engine' -Configuration $Configuration
    $target = Get-ModuleOutputPath $Root
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    $dependencies = New-Item -ItemType Directory -Path (Join-Path $target 'Dependencies') -Force
    $helpFolder = New-Item -ItemType Directory -Path (Join-Path $target 'en-US') -Force

    $layout = @(
        @{ From = Join-Path $Root 'EckRemoteCluster.psd1'; To = $target }
        @{ From = Join-Path $moduleBin 'EckRemoteCluster.dll'; To = $target }
        @{ From = Join-Path $Root 'src/EckRemoteCluster/Formats/EckRemoteCluster.Format.ps1xml'; To = $target }
        @{ From = Join-Path $Root 'docs/en-US/about_EckRemoteCluster.help.txt'; To = $helpFolder }
    ) + @($script:EngineFiles | ForEach-Object { @{ From = Join-Path $engineBin $_; To = $dependencies } })

    $missing = @($layout | Where-Object { -not (Test-Path $_.From) } | ForEach-Object From)
    if ($missing) { throw "The module layout is missing: $($missing -join ', ')" }
    foreach ($item in $layout) { Copy-Item $item.From $item.To }

    $manifest = Import-PowerShellDataFile (Join-Path $Root 'EckRemoteCluster.psd1')
    Write-ModuleHelp -Root $Root -ModuleFolder $target

    Write-Host "Built EckRemoteCluster $($manifest.ModuleVersion) in $target"
    $target
}

function Invoke-Clean([string] $Root) {
    foreach ($folder in @('out') + @(Get-ChildItem $Root -Recurse -Directory -Include bin, obj | ForEach-Object FullName)) {
        $path = if ([IO.Path]::IsPathRooted($folder)) { $folder } else { Join-Path $Root $folder }
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
    }
    Write-Host 'Removed out/ and every bin/ and obj/ folder.'
}
