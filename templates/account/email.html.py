BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
BBBB BBBBBBB BBBB
 #
 #
 #

BBBBB BBBBBBBBBB gettext(u'Email Addresses') BBBBBBBB BBBBBBBBBB
BBBBB BBBBBBB
    BBBBBBB BB gettext(u'Email Addresses') BBBBBBBBBB
    BB BBBBBBBBBBBBBB
        BBB BBBBBBBBBBBBBBB BB BBBBBBBBB
         gettext(u'Do you really want to remove the selected email address?') 
        BBBBBBB BBBB BBBBBBBBB BBBBBBBBBBBBBBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBB
            BBBB BBBB
                BBBBBBBBBB
                XXXXXXXXX XXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXX
                    XXXXXXX XXXXXXXXXXXXXXXXXXX gettext(u'The following email addresses are associated with your account:') XXXXXXXXX
                    XXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXX
                    BBB BBBBB BB BBBBBBBBBBBBBBBBBBB
                        BBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
                            BBBBBBB BBBBB BBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBB
                                BBBB BBBBB
                                    
                                    BB BBBBBBBBBBBBBBBBBBBBB
                                        BBBBBBB BBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBB gettext(u'Verified') BBBBBBBBBB
                                    BBBB
                                        BBBBBBB BBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB gettext(u'Unverified') BBBBBBBBBB
                                    BBBBB
                                    BB BBBBBBBBBBBBBBBBBBBB
                                        BBBBBBB BBBBB BBBBBBBBBBBBBBBBBBBB gettext(u'Primary') BBBBBBBBBB
                                    BBBBB
                                BBBBBBB
                            BBBBBBBBBB
                        BBBBBBB
                    BBBBBB
                    XXXXXX
                XXXXXXXXXXX
            BBBBBBB
            BBBB BBBBBBB
                BBBBBBB BBBBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBB gettext(u'Make Primary') BBBBBBBBBB
                BBBBBBB BBBBBB BBBBBBBBBBBBBBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBBB gettext(u'Re-send Verification') BBBBBBBBBB
                BBBBBBB BBBBBB BBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBB gettext(u'Remove') BBBBBBBBBB
            BBBBBBB
        BBBBBBBBBB
    BBBB
        BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
    BBBBB
    BB BBBBBBBBBBBBB
        BBBBBBB BBBBBBBBBBBB
        BBBBBBB BB gettext(u'Add Email Address') BBBBBBBBBB
        BBB BBBBBBBBBBBBBBB BB BBBBBBBBBB
        BBBBBBB BBBB BBBBBBBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBBB
            BBBB BBBB
                BBBBBBBBBB
                BBBBBBB BBBBBB BBBBBBBBBBBBBBBBBBB
            BBBBBBB
            BBBB BBBBBBB
                BBBBBBB BBBBBB BBBBBBBBBBBBBBBBB BBBBBBBBBBBBB gettext(u'Add Email') BBBBBBBBBB
            BBBBBBB
        BBBBBBBBBB
    BBBBB
BBBBBBBB BBBBBBB
