BBBBBBB BBBBBBBBBBBBBBB BBBB
BBBBB BBBBB X BBBBBBBB
BBBBB BBBBBBB
XXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
BB BBBBB BB BBBBBBBBBBBB
XX XXXXXXXXXXXXXXXXXX gettext(u'Evaluation: visitor surveys with QR codes, results and segments, wave comparison, findings and the readiness self-check will appear here.') XXXX
BBBB BBBBB BB BBBBBBBBBBBB
XX XXXXXXXXXXXXXXXXXX gettext(u'Konzeption: the visitor journey, measures linked to findings, prioritisation, feasibility, providers and funding will appear here.') XXXX
BBBB
XX XXXXXXXXXXXXXXXXXX gettext(u'Transformation: business cases, the implementation plan, KPIs, dashboards and recurring reports will appear here.') XXXX
BBBBB
BB BBBBBBBBBBBBBBB BB BBBBBXX XXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXX gettext(u'current phase') XXXXXXXXXXXXXXXXXXBBBBB
BBBBBBBB
