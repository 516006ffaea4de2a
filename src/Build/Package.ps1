# Packs the built module into a .nupkg that Install-PSResource installs from a local file repository, with
# PSResourceGet's own Compress-PSResource so the package metadata comes straight from the manifest.

function Invoke-ModulePackage {
    param([string] $Root, [string] $Configuration)

    $module = Invoke-ModuleBuild -Root $Root -Configuration $Configuration
    $destination = Join-Path $Root 'out' 'packages'
    New-Item -ItemType Directory -Path $destination -Force | Out-Null
    $version = Get-ModuleVersion $Root
    $package = Join-Path $destination "EckRemoteCluster.$version.nupkg"
    if (Test-Path $package) { Remove-Item $package }
    Compress-PSResource -Path $module -DestinationPath $destination
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not produce $package." }
    Write-Host "Packed $package"
}
