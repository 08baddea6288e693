@article:duplicate-document-number @needs:credit_notes
Feature: A credit note number QuickBooks already uses
  Credit notes share QuickBooks' sales-form numbering, so a CN number keyed into QuickBooks by hand clashes
  the same way. This company comes from the bundled "duplicate-document-number" scenario, which holds
  invoice INV0042 and credit memo CN0007.

  Scenario: Renumber the clashing credit memo in QuickBooks, then Retry
    Given a Caspen account connected to the QuickBooks company of the "duplicate-document-number" scenario
    And a client "Jo Citizen" with client id 4200042
    And Caspen's next credit note number is CN0007
    When I issue a credit note for "Jo Citizen" of $20.00 with GST
    Then the credit note's QuickBooks status card shows "Duplicate document number"
    And QuickBooks received exactly 1 credit memo create
    And Caspen did not retry automatically
    When in QuickBooks the credit memo CN0007 is renumbered to CN0007-A
    And I press Retry on the credit note's status card
    Then the credit note's QuickBooks status card shows "Synced"
    And QuickBooks has credit memos numbered CN0007 and CN0007-A
    And QuickBooks has the credit memo with a total of $22.00
