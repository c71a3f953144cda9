# Every cmdlet's help is complete, and every example in it runs against the test server.
BeforeDiscovery {
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    $script:Commands = @(Get-Command -Module ParallelTools -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $script:Examples = foreach ($command in Get-Command -Module ParallelTools -CommandType Cmdlet) {
        $n = 0
        foreach ($example in (Get-Help $command.Name -Full).examples.example) {
            $n++
            @{ Name = $command.Name; Number = $n; Code = $example.code }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    $script:Server = Start-TestServer
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

AfterAll {
    Stop-TestServer $Server
}

Describe 'Help for <Name>' -ForEach $Commands {
    BeforeAll {
        $script:Help = Get-Help $Name -Full
    }

    It 'has a synopsis and a description' {
        $Help.Synopsis | Should -Not -BeLike "*$Name*[<]*"
        $Help.Synopsis.Length | Should -BeGreaterThan 20
        ($Help.description.Text -join ' ').Length | Should -BeGreaterThan 100
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($p in $Help.parameters.parameter) { $documented[$p.name] = ($p.description.Text -join ' ') }
        foreach ($name in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented[$name] | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has at least four examples' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 4
    }
}

Describe 'Help example <Number> of <Name>' -ForEach $Examples {
    It 'runs against the test server and produces output, without errors' {
        $base = $Server.BaseUri
        # Examples may write files (./downloads): run each in a folder of its own.
        $folder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "pt-example-$([guid]::NewGuid().ToString('n'))")
        Push-Location $folder
        try {
            $output = & ([scriptblock]::Create($Code)) 2>&1 6>&1 3>&1
            @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
            @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 0
        }
        finally {
            Pop-Location
            Remove-Item $folder -Recurse -Force
        }
    }
}

Describe 'Help across the family' {
    BeforeAll {
        $script:Cmdlets = Get-Command -Module ParallelTools -CommandType Cmdlet
        $script:ByName = @{}
        foreach ($command in $Cmdlets) {
            foreach ($p in (Get-Help $command.Name -Full).parameters.parameter) {
                $entry = [pscustomobject]@{
                    Cmdlet      = $command.Name
                    Type        = $command.Parameters[$p.name].ParameterType
                    Validation  = ($command.Parameters[$p.name].Attributes | ForEach-Object {
                            if ($_ -is [ValidateRange]) { "range $($_.MinRange)..$($_.MaxRange)" }
                            elseif ($_ -is [ValidateSet]) { "set $($_.ValidValues -join ',')" }
                        }) -join '; '
                    Description = ($p.description.Text -join ' ')
                }
                $ByName[$p.name] = @($ByName[$p.name]) + $entry | Where-Object { $_ }
            }
        }
        function Get-FirstSentence([string] $Text) { ($Text -split '(?<=\.)\s', 2)[0] }
    }

    It 'gives <_> to every cmdlet' -ForEach 'ThrottleLimit', 'Unordered', 'TimeoutSec', 'MaximumRetryCount' {
        @($ByName[$_].Cmdlet) | Sort-Object | Should -Be (@($Cmdlets.Name) | Sort-Object)
    }

    It 'gives <_> to both map cmdlets' -ForEach 'ArgumentList', 'InitializationScript', 'ImportModule', 'BatchSize', 'KeepWarmSec' {
        @($ByName[$_].Cmdlet) | Sort-Object | Should -Be @('Invoke-ProcessMap', 'Invoke-ThreadMap')
    }

    It 'gives a shared parameter the same type and the same defining sentence in every cmdlet' {
        $shared = @($ByName.Keys | Where-Object { @($ByName[$_]).Count -gt 1 })
        $shared.Count | Should -BeGreaterThan 20
        foreach ($name in $shared) {
            $entries = @($ByName[$name])
            @($entries.Type | Select-Object -Unique).Count | Should -Be 1 -Because "-$name should have one type across $($entries.Cmdlet -join ', ')"
            @($entries.Validation | Select-Object -Unique).Count | Should -Be 1 -Because "-$name should accept the same values in $($entries.Cmdlet -join ', ')"
            @($entries | ForEach-Object { Get-FirstSentence $_.Description } | Select-Object -Unique).Count |
                Should -Be 1 -Because "-$name should mean the same in $($entries.Cmdlet -join ', ')"
        }
    }
}
