"""xAPI statements out (docs/xapi.md): the profile (`profile`), the statement builders
(`statements`) and the LRS client (`client`). Pure code: no database, no settings beyond
what the callers pass in; lms.services.xapi records and delivers."""
