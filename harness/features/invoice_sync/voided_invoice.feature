@article:voided-invoice
Feature: Voiding an invoice in Caspen voids it in QuickBooks
  The QuickBooks invoice stays, voided with zero amounts, and Caspen removes the status card.

  Scenario: Void a synced invoice
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    And a finalized invoice for "Jo Citizen" of $180.00 with GST
    When I void the invoice
    Then there is no QuickBooks status card
    And in QuickBooks the invoice is voided with a total of $0.00

  Scenario: Void an invoice the accountant has since edited in QuickBooks
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    And a finalized invoice for "Jo Citizen" of $180.00 with GST
    And in QuickBooks the accountant adds the note "Client called about the due date" to the invoice
    When I void the invoice
    Then there is no QuickBooks status card
    And in QuickBooks the invoice is voided with a total of $0.00
    And QuickBooks received exactly 2 invoice voids

  Scenario: Void an invoice that was paid in QuickBooks: unlink the payment there, then Retry
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    And a finalized invoice for "Jo Citizen" of $200.00 with GST
    When in QuickBooks a payment of $220.00 is recorded against the invoice
    And I void the invoice
    Then the QuickBooks status card shows "Void failed: payment recorded in QuickBooks"
    And the status card offers Retry
    And Caspen did not retry automatically
    When in QuickBooks the payment is unlinked from the invoice
    And I press Retry on the status card
    Then there is no QuickBooks status card
    And in QuickBooks the invoice is voided with a total of $0.00
