BBBBBBB BBBBBBBBBBBBBBB BBBB
BBBBB BBBBB gettext(u'Page not found') BBBBBBBB
BBBBB BBBBBBB
XXXX XXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXX gettext(u'Page not found') XXXXX
  XX XXXXXXXXXXXXXXXXXX gettext(u'This page does not exist, or you have no access to it. If someone sent you a link, ask them to invite you to the programme.') XXXX
  XX XXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXX XXXXXXBBB BBBBBBBBBBBBBBBBBXX gettext(u'To the start page') XXXXXXXX
XXXXXX
BBBBBBBB
