BBBB BBBBBBBBBBBBBB BBB gettext(u'Hello,\n\n%(inviter)s invites you to the programme “%(title)s” of %(org)s on Stadtlotse, as %(role)s.\n\nOpen this link to accept the invitation. If you have no account yet, you can create one there.') SSSSSS

SSSSSSSSSSS SSSSSSS SSS SS SSS SSSSSSSSS SSSSSSSSSSS SS SSSSSSS SS SSSSSSSSSSS SS SSSSSSSSS

SSSS SSSS SSSS SS SSSSSS SSS SSSSSSSSSSS SS SSS SSSS SS SSSSSSS SSSS SSS SSS SSSSSS SSS SSSSSS



 gettext(u'The link works once and is valid until %(expires)s.') SSS SSSS SSSSS SSSS SSS SS SSSSS SSSSS SSSSSSSSSSSS

XX 
XXXXXXXXXX
BBBBBBBBBBBBB
